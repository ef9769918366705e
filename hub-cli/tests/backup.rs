//! `hub backup` while the server takes writes, then `hub restore` into a fresh data folder: the
//! copy is a sound SQLite database holding every message acknowledged before the backup began.
//! (SQLite only: PostgreSQL is backed up with `pg_dump`, and `hub backup` says so.)

#![allow(clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{public_channel, say, scene};
use hub_core::model::MessageId;
use hub_tests::Backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_every_message_acknowledged_before_it() {
    let scene = scene(&Backend::Sqlite).await.expect("a scene");
    let alice = scene.member("alice").await.expect("alice");
    let channel = public_channel(&alice, "load", None, &[]).await.expect("a channel");

    // A writer that keeps sending and records each acknowledged message.
    let acknowledged: Arc<Mutex<Vec<MessageId>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut sent = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let message = alice
                    .send_message(&channel, &say(&format!("message {sent}")))
                    .await
                    .expect("a send");
                acknowledged.lock().expect("the list").push(message.id);
                sent += 1;
            }
            sent
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before_backup: Vec<MessageId> = acknowledged.lock().expect("the list").clone();
    assert!(!before_backup.is_empty(), "the writer is writing");

    let folder = tempfile::tempdir().expect("a folder");
    let copy = folder.path().join("copy.db");
    let database_url = scene.server().config.effective_database_url();
    let copy_arg = copy.to_string_lossy().into_owned();
    let backup = scene
        .hub(&["--database-url", &database_url, "backup", &copy_arg], "")
        .await
        .expect("hub backup runs");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let sent = writer.await.expect("the writer");
    assert!(sent as usize > before_backup.len(), "writes went on during the backup");

    // Restore into a fresh data folder, as an operator moving to a new machine would.
    let fresh = tempfile::tempdir().expect("a folder");
    let fresh_arg = fresh.path().to_string_lossy().into_owned();
    let restore = scene
        .hub(&["--data-dir", &fresh_arg, "restore", &copy_arg, "--yes"], "")
        .await
        .expect("hub restore runs");
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));

    let restored = rusqlite::Connection::open(fresh.path().join("hub.db")).expect("the restored database");
    let integrity: String = restored
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok");
    let mut present = restored
        .prepare("SELECT COUNT(*) FROM messages WHERE id = ?1")
        .expect("a statement");
    for id in &before_backup {
        let count: i64 = present.query_row([id.as_str()], |row| row.get(0)).expect("a count");
        assert_eq!(count, 1, "message {id}, acknowledged before the backup, is in the copy");
    }
}
