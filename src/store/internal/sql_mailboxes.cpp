// How far each lead mailbox has been read (store/mailboxes.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Result<std::optional<MailboxState>> SqlStore::mailbox_state(const std::string& mailbox) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::optional<MailboxState>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = $1",
                                         {mailbox}));
    if (rows.rows.empty()) return std::optional<MailboxState>();
    return std::optional<MailboxState>(
        MailboxState{mailbox, std::stoll(rows.rows[0][0].value_or("0")), std::stoll(rows.rows[0][1].value_or("0"))});
  });
}

Status SqlStore::save_mailbox_state(const MailboxState& state, SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows rows, session.exec("INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid, updated_at) "
                                         "VALUES ($1, $2, $3, $4) ON CONFLICT (mailbox) DO UPDATE SET "
                                         "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
                                         "updated_at = excluded.updated_at",
                                         {state.mailbox, state.uidvalidity, state.last_uid, to_unix_millis(now)}));
    (void)rows;
    return ok_status();
  });
}

}  // namespace jorge::store::internal
