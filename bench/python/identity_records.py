#!/usr/bin/env python3
"""Writes a FEBRL-like CSV of N records (rec-<entity>-org / rec-<entity>-dup-<k>), a fifth of the
entities with one to three corrupted duplicates (typos, swapped names, missing fields, day and
month swapped), for measuring `jorge dedup` at scale: identity_records.py N OUT.csv"""
import random, string, sys

random.seed(11)
n, out = int(sys.argv[1]), sys.argv[2]
syllables = ["ka", "ri", "mo", "la", "ne", "to", "sa", "vi", "do", "ren", "mar", "lin", "bo", "tha", "el", "an",
             "jo", "si", "ur", "pe", "gra", "ston", "ley", "wood", "field", "son", "berg", "ham", "ford", "well"]
def word(parts):
    return "".join(random.choice(syllables) for _ in range(parts))
streets = [word(2) + " " + random.choice(["street", "road", "avenue", "circuit", "place", "crescent"]) for _ in range(5000)]
suburbs = [word(2) for _ in range(3000)]
states = ["nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"]
def typo(text):
    if len(text) < 2:
        return text
    i = random.randrange(len(text))
    kind = random.random()
    if kind < 0.33:
        return text[:i] + random.choice(string.ascii_lowercase) + text[i + 1:]
    if kind < 0.66:
        return text[:i] + text[i + 1:]
    j = min(i + 1, len(text) - 1)
    return text[:i] + text[j] + text[i] + text[j + 1:] if j > i else text
def corrupt(record):
    r = dict(record)
    for _ in range(random.randint(1, 3)):
        field = random.choice(["given_name", "surname", "address_1", "suburb", "date_of_birth", "postcode", "swap", "drop"])
        if field == "swap":
            r["given_name"], r["surname"] = r["surname"], r["given_name"]
        elif field == "drop":
            r[random.choice(["street_number", "address_2", "state", "given_name"])] = ""
        elif field == "date_of_birth" and random.random() < 0.5:
            d = r["date_of_birth"]
            r[field] = d[:4] + d[6:8] + d[4:6]
        else:
            r[field] = typo(r[field])
    return r
columns = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
           "state", "date_of_birth", "soc_sec_id"]
written, entity = 0, 0
with open(out, "w") as f:
    f.write(", ".join(columns) + "\n")
    while written < n:
        entity += 1
        record = {"given_name": word(2), "surname": word(random.randint(2, 3)), "street_number": str(random.randint(1, 300)),
                  "address_1": random.choice(streets), "address_2": word(2) if random.random() < 0.5 else "",
                  "suburb": random.choice(suburbs), "postcode": str(random.randint(2000, 7999)),
                  "state": random.choice(states),
                  "date_of_birth": f"{random.randint(1920, 2005)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}",
                  "soc_sec_id": str(random.randint(1000000, 9999999))}
        rows = [("org", record)]
        if random.random() < 0.2:
            rows += [(f"dup-{k}", corrupt(record)) for k in range(random.randint(1, 3))]
        for suffix, r in rows:
            if written >= n:
                break
            f.write(", ".join([f"rec-{entity}-{suffix}"] + [r[c] for c in columns[1:]]) + "\n")
            written += 1
