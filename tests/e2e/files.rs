//! Files as front ends use them: multipart uploads typed by their content, size limits and
//! quotas enforced while streaming with nothing left behind, files sent with messages and seen
//! live, downloads (whole, in ranges, revalidated) only for those who may read, deletion; on
//! the local folder and on a real S3-compatible server, with the server's memory flat.

use std::path::Path;

use futures_util::stream;
use hub_tests::{Backend, TestServer, TestUser};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::server_process::ServerProcess;

hub_tests::on_both_databases!(
    files_on_messages_follow_who_reads_the_channel,
    types_limits_and_quotas_leave_nothing_behind,
    erasing_messages_erases_their_files,
);

const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const ELF_MAGIC: &[u8] = &[
    0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0,
];

/// `size` bytes starting like a PNG, the rest varied (so nothing compresses it away).
fn png_bytes(size: usize) -> Vec<u8> {
    let mut bytes = PNG_MAGIC.to_vec();
    let mut state: u32 = 0x1234_5678;
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

async fn upload_to(base: &str, token: &str, name: &str, bytes: Vec<u8>) -> hub_tests::Reply {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/files"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
    TestServer::reply(response).await
}

/// An upload with no declared length (chunked), so the limit must be met while streaming.
async fn upload_chunked(base: &str, token: &str, bytes: Vec<u8>) -> reqwest::Result<reqwest::Response> {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let part = Part::stream(reqwest::Body::wrap_stream(stream::iter(chunks))).file_name("big.png");
    reqwest::Client::new()
        .post(format!("{base}/api/v1/files"))
        .bearer_auth(token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
}

async fn upload(server: &TestServer, user: &TestUser, name: &str, bytes: Vec<u8>) -> hub_tests::Reply {
    upload_to(&server.base, &user.access_token, name, bytes).await
}

async fn download(server: &TestServer, user: &TestUser, id: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = server
        .http
        .get(server.url(&format!("/api/v1/files/{id}/download")))
        .bearer_auth(&user.access_token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the server answers")
}

/// Every file under `folder`, however deep.
fn files_under(folder: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

async fn files_on_messages_follow_who_reads_the_channel(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let secret = server.new_channel(&alice, "secret", "private").await;
    server
        .post(
            &format!("/api/v1/channels/{secret}/members"),
            &alice.access_token,
            json!({"user_id": bob.id}),
        )
        .await
        .expect(201);

    let bytes = png_bytes(100_000);
    // Alice's other device hears of her upload.
    let mut alice_elsewhere = server.ws_connect(&alice.access_token).await;
    let uploaded = upload(&server, &alice, "plan.png", bytes.clone()).await;
    uploaded.expect(201);
    let created = alice_elsewhere.wait_for(|frame| frame["type"] == "file.created").await;
    assert_eq!(created["file"]["id"], uploaded.body["id"], "{created}");
    assert_eq!(uploaded.body["content_type"], "image/png");
    assert_eq!(uploaded.body["size"], 100_000);
    assert_eq!(uploaded.body["name"], "plan.png");
    let id = uploaded.body["id"].as_str().unwrap().to_owned();
    // Not sent yet: the uploader's alone.
    assert_eq!(download(&server, &bob, &id, &[]).await.status(), 404);
    assert_eq!(download(&server, &alice, &id, &[]).await.status(), 200);

    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let sent = server
        .post(
            &format!("/api/v1/channels/{secret}/messages"),
            &alice.access_token,
            json!({"content": "the plan", "file_ids": [id]}),
        )
        .await;
    sent.expect(201);
    assert_eq!(sent.body["files"][0]["id"], id.as_str());
    let live = bob_socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["content"] == "the plan")
        .await;
    assert_eq!(live["message"]["files"][0]["id"], id.as_str(), "{live}");
    assert_eq!(live["message"]["files"][0]["name"], "plan.png");
    let history = server
        .get(&format!("/api/v1/channels/{secret}/messages"), &bob.access_token)
        .await;
    assert_eq!(history.items()[0]["files"][0]["size"], 100_000);
    // Over the socket too: the ack, then everyone's message.created with the file.
    let second = upload(&server, &alice, "notes.txt", b"socket notes\n".to_vec())
        .await
        .body["id"]
        .clone();
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    alice_socket
        .send(json!({"type": "message.send", "channel_id": secret, "content": "over the socket", "client_id": "f1", "file_ids": [second]}))
        .await;
    alice_socket
        .wait_for(|frame| frame["type"] == "ack" && frame["client_id"] == "f1")
        .await;
    let live = bob_socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["content"] == "over the socket")
        .await;
    assert_eq!(live["message"]["files"][0]["id"], second, "{live}");
    assert_eq!(live["message"]["files"][0]["content_type"], "text/plain");

    // A file goes on one message only.
    server
        .post(
            &format!("/api/v1/channels/{secret}/messages"),
            &alice.access_token,
            json!({"content": "again", "file_ids": [id]}),
        )
        .await
        .expect_error(422, "invalid_input");

    // Bob, a member, gets it whole, byte for byte, with its headers; Carol does not exist for it.
    let whole = download(&server, &bob, &id, &[]).await;
    assert_eq!(whole.status(), 200);
    let headers = whole.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["content-length"], "100000");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"plan.png\"")
    );
    assert_eq!(whole.bytes().await.unwrap().as_ref(), bytes.as_slice());
    assert_eq!(download(&server, &carol, &id, &[]).await.status(), 404);
    server
        .get(&format!("/api/v1/files/{id}"), &carol.access_token)
        .await
        .expect_error(404, "not_found");

    // Ranges give exactly those bytes; a known copy is not sent again.
    let part = download(&server, &bob, &id, &[("range", "bytes=1000-1999")]).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 1000-1999/100000");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[1000..2000]);
    let tail = download(&server, &bob, &id, &[("range", "bytes=-10")]).await;
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &bytes[99_990..]);
    assert_eq!(
        download(&server, &bob, &id, &[("range", "bytes=100000-")])
            .await
            .status(),
        416
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        download(&server, &bob, &id, &[("if-none-match", &etag)]).await.status(),
        304
    );
    assert_eq!(
        download(&server, &carol, &id, &[("if-none-match", &etag)])
            .await
            .status(),
        404
    );

    // Bob may not delete Alice's file; Alice may, and the channel hears of it.
    server
        .delete(&format!("/api/v1/files/{id}"), &bob.access_token)
        .await
        .expect_error(403, "forbidden");
    server
        .delete(&format!("/api/v1/files/{id}"), &alice.access_token)
        .await
        .expect(204);
    let gone = bob_socket.wait_for(|frame| frame["type"] == "file.deleted").await;
    assert_eq!(gone["file_id"], id.as_str());
    assert_eq!(gone["message_id"], sent.body["id"]);
    assert_eq!(download(&server, &bob, &id, &[]).await.status(), 404);
    let history = server
        .get(&format!("/api/v1/channels/{secret}/messages"), &bob.access_token)
        .await;
    let first = history
        .items()
        .iter()
        .find(|message| message["content"] == "the plan")
        .unwrap();
    assert_eq!(first["files"], json!([]));
    assert_eq!(
        files_under(&server.config.data_dir.join("files")).len(),
        1,
        "only the socket's file"
    );
    server.stop().await;
}

async fn types_limits_and_quotas_leave_nothing_behind(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.files.max_file_bytes = 1024 * 1024;
        config.files.quota_bytes_per_user = 1536 * 1024;
    })
    .await;
    let alice = server.new_user("alice").await;
    let folder = server.config.data_dir.join("files");

    // The name says PNG; the bytes say executable.
    let mut elf = ELF_MAGIC.to_vec();
    elf.extend(std::iter::repeat_n(0u8, 4096));
    let refused = upload(&server, &alice, "cat.png", elf).await;
    refused.expect_error(415, "unsupported_media_type");
    assert_eq!(
        refused.body["error"]["details"]["content_type"],
        "application/x-executable"
    );
    let text = upload(&server, &alice, "notes.txt", b"plain words\n".to_vec()).await;
    text.expect(201);
    assert_eq!(text.body["content_type"], "text/plain");

    // Over the limit, declared or not: refused, and not a byte kept.
    upload(&server, &alice, "big.png", png_bytes(3 * 1024 * 1024))
        .await
        .expect_error(413, "payload_too_large");
    let streamed = upload_chunked(&server.base, &alice.access_token, png_bytes(3 * 1024 * 1024)).await;
    // The server may answer before reading the rest, or cut the connection it will not read.
    if let Ok(response) = streamed {
        let reply = TestServer::reply(response).await;
        reply.expect_error(413, "payload_too_large");
    }
    assert_eq!(
        files_under(&folder).len(),
        1,
        "only notes.txt: {:?}",
        files_under(&folder)
    );

    // The quota counts what is kept.
    upload(&server, &alice, "one.png", png_bytes(1024 * 1024))
        .await
        .expect(201);
    let over = upload(&server, &alice, "two.png", png_bytes(600 * 1024)).await;
    over.expect_error(413, "payload_too_large");
    assert_eq!(over.body["error"]["details"]["quota"], true);
    assert_eq!(files_under(&folder).len(), 2);

    // Not a form, no file field, an empty file: clear errors.
    server
        .post("/api/v1/files", &alice.access_token, json!({"file": "x"}))
        .await
        .expect_error(415, "unsupported_media_type");
    let empty = upload(&server, &alice, "empty.png", Vec::new()).await;
    empty.expect_error(422, "invalid_input");
    let other_field = reqwest::Client::new()
        .post(server.url("/api/v1/files"))
        .bearer_auth(&alice.access_token)
        .multipart(Form::new().text("note", "no file here"))
        .send()
        .await
        .unwrap();
    let other_field = TestServer::reply(other_field).await;
    other_field.expect_error(422, "invalid_input");
    assert_eq!(other_field.field(), "file");
    server.stop().await;
}

async fn erasing_messages_erases_their_files(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let sent_file = upload(&server, &alice, "a.png", png_bytes(5000)).await.body["id"].clone();
    let kept_file = upload(&server, &alice, "b.png", png_bytes(5000)).await.body["id"].clone();
    server
        .post(
            &format!("/api/v1/channels/{general}/messages"),
            &alice.access_token,
            json!({"content": "with a file", "file_ids": [sent_file]}),
        )
        .await
        .expect(201);
    let bobs = upload(&server, &bob, "c.png", png_bytes(5000)).await.body["id"].clone();
    server
        .delete("/api/v1/users/me/messages", &alice.access_token)
        .await
        .expect(200);
    for id in [&sent_file, &kept_file] {
        let id = id.as_str().unwrap();
        assert_eq!(download(&server, &alice, id, &[]).await.status(), 404, "{id}");
    }
    assert_eq!(download(&server, &bob, bobs.as_str().unwrap(), &[]).await.status(), 200);
    assert_eq!(files_under(&server.config.data_dir.join("files")).len(), 1);
    server.stop().await;
}

/// Registers `username` on a server process and returns its token.
async fn sign_up(server: &ServerProcess, username: &str) -> String {
    let body = json!({"username": username, "password": "correct horse battery"});
    let reply: Value = server.post("/api/v1/auth/register", None, body).await;
    reply["access_token"].as_str().unwrap().to_owned()
}

/// A 20 MiB upload and download through the real server binary over `storage_env`: the bytes
/// come back the same, and the server's peak memory grows by well under the file's size.
async fn round_trip_with_flat_memory(storage_env: &[(&str, &str)]) {
    const SIZE: usize = 20 * 1024 * 1024;
    let data = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", data.path().join("hub.db").display());
    let mut env = vec![
        ("HUB_AUTH__ARGON2_MEMORY_KIB", "1024"),
        ("HUB_AUTH__ARGON2_ITERATIONS", "1"),
    ];
    env.extend_from_slice(storage_env);
    let server = ServerProcess::start(data.path(), &database, &env, None).await;
    let token = sign_up(&server, "alice").await;
    let bytes = png_bytes(SIZE);
    // Warm up: the first request grows pools and buffers once.
    upload_to(&server.base, &token, "warm.png", png_bytes(1024))
        .await
        .expect(201);
    let before = server.peak_memory_kib();
    let uploaded = upload_chunked(&server.base, &token, bytes.clone()).await.unwrap();
    let uploaded = TestServer::reply(uploaded).await;
    uploaded.expect(201);
    assert_eq!(uploaded.body["size"], SIZE);
    let id = uploaded.body["id"].as_str().unwrap();
    let back = reqwest::Client::new()
        .get(format!("{}/api/v1/files/{id}/download", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    let got = back.bytes().await.unwrap();
    assert!(got.as_ref() == bytes.as_slice(), "the download differs from the upload");
    let grown = server.peak_memory_kib().saturating_sub(before);
    eprintln!("peak memory grew by {grown} KiB for a 20 MiB upload and download");
    // Parts are sent 5 MiB at a time; holding the file whole would take 20 MiB and more.
    assert!(
        grown < 16 * 1024,
        "the server's peak memory grew by {grown} KiB for 20 MiB up and down"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_folder_round_trip_keeps_memory_flat() {
    round_trip_with_flat_memory(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_round_trip_keeps_memory_flat() {
    let Some(endpoint) = hub_tests::s3_url() else { return };
    let bucket = hub_tests::new_s3_bucket(&endpoint).await;
    round_trip_with_flat_memory(&[
        ("HUB_S3_BUCKET", &bucket),
        ("HUB_S3_ENDPOINT", &endpoint),
        ("HUB_S3_ACCESS_KEY_ID", "hub-test"),
        ("HUB_S3_SECRET_ACCESS_KEY", "hub-test-secret"),
    ])
    .await;
}

/// Keys in the bucket, and multipart uploads left open there.
async fn s3_leftovers(server: &TestServer, endpoint: &str, bucket: &str) -> (Vec<String>, usize) {
    let keys = hub_core::storage::FileStorage::open(&server.config)
        .unwrap()
        .keys()
        .await
        .unwrap();
    let open = reqwest::get(format!("{endpoint}/{bucket}?uploads"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (keys, open.matches("<Upload>").count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_refusals_leave_nothing_behind() {
    let Some(endpoint) = hub_tests::s3_url() else { return };
    let bucket = hub_tests::new_s3_bucket(&endpoint).await;
    let server = TestServer::start_with(&Backend::Sqlite, |config| {
        hub_tests::use_s3(config, &endpoint, &bucket);
        config.files.max_file_bytes = 6 * 1024 * 1024;
    })
    .await;
    let alice = server.new_user("alice").await;
    let kept = upload(&server, &alice, "kept.png", png_bytes(300_000)).await;
    kept.expect(201);
    // Past a whole part (5 MiB) before the limit: a part is on the server when it is refused.
    if let Ok(response) = upload_chunked(&server.base, &alice.access_token, png_bytes(9 * 1024 * 1024)).await {
        TestServer::reply(response).await.expect_error(413, "payload_too_large");
    }
    let mut elf = ELF_MAGIC.to_vec();
    elf.extend(std::iter::repeat_n(1u8, 4096));
    upload(&server, &alice, "cat.png", elf)
        .await
        .expect_error(415, "unsupported_media_type");
    // The abort runs as the request ends; give it a moment to reach the store.
    let mut leftovers = s3_leftovers(&server, &endpoint, &bucket).await;
    for _ in 0..50 {
        if leftovers.1 == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        leftovers = s3_leftovers(&server, &endpoint, &bucket).await;
    }
    let id = kept.body["id"].as_str().unwrap().to_owned();
    assert_eq!(leftovers, (vec![id.clone()], 0), "only the kept file, no open uploads");

    let part = download(&server, &alice, &id, &[("range", "bytes=10-19")]).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &png_bytes(300_000)[10..20]);
    server
        .delete(&format!("/api/v1/files/{id}"), &alice.access_token)
        .await
        .expect(204);
    assert_eq!(s3_leftovers(&server, &endpoint, &bucket).await, (Vec::new(), 0));
    server.stop().await;
}
