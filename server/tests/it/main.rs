//! The server's integration tests, in one test binary: each file below was its own binary, and
//! linking eight copies of the whole app cost minutes and gigabytes of disk on every CI run.
//! Each module still reads as before: the real router, a real SQLite database, the real CLI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a panic with its message"
)]

mod support;

mod access;
mod backups;
mod beds;
mod camps;
mod canteen;
mod cli;
mod dashboard;
mod history;
mod homework;
mod http;
mod lent_beds;
mod offline;
mod outbox;
mod pool;
mod records;
mod security;
mod storage;
mod visits;
