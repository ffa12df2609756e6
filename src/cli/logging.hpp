#pragma once
namespace jorge::cli {
// Logs go to stderr (stdout carries only what scripts read). Lines are buffered and written
// once a second or when a warning or error comes, so the access log costs no syscall per
// request; at most the last second of info lines is lost if the process is killed.
void set_up_logging();
}  // namespace jorge::cli
