#pragma once
// Lead e-mails (specs/integrations.md §6.3): portal notifications and website forms, sent
// straight to the mailbox or forwarded by an agent, parsed with GMime (multipart, quoted-
// printable, base64, charsets, RFC 2047 headers). One level of forwarding is looked through
// (an attached message/rfc822, or a "Forwarded message" block) so the original sender and
// subject decide the parser: Zillow, Realtor.com, or the generic "Name: / Phone: / Email:" form.
#include <string>
#include <string_view>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest {

// The event of one raw RFC 5322 message. Its source is the portal it came from ("zillow",
// "realtor") or `generic_source` (the mailbox's source name); its idempotency key the original Message-ID (a hash of Date, From and
// Subject when there is none), so a forwarded copy of a notification already read is a
// duplicate. kInvalidArgument when the message holds no way to reach a person.
Result<InboundEvent> parse_lead_email(std::string_view raw_message, std::string_view generic_source = "email");

// HTML as the text a person reads: tags dropped (style and script with their content), line
// breaks for <br>, </p>, </div>, </tr>, </td>, </li> and headings, entities decoded.
std::string html_to_text(std::string_view html);

}  // namespace jorge::ingest
