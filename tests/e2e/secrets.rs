//! No secret in the log or in an error body (#16): a whole session's life (registration, a
//! wrong password, refresh, a refresh token used twice, forged tokens over REST and the
//! gateway, a password change, logout) against the real server binary logging at `debug`, then
//! the log and every error answer are searched for each password, token and the signing key.

use std::time::Duration;

use hub_tests::Backend;
use hub_tests::ws::WsClient;
use serde_json::{Value, json};

use crate::server_process::ServerProcess;

hub_tests::on_both_databases!(no_password_token_or_key_reaches_the_log_or_an_error_body);

const SIGNING_KEY: &str = "log-test-signing-key-that-is-long-enough-0001";
const FIRST_PASSWORD: &str = "first-password-4f8a2c";
const SECOND_PASSWORD: &str = "second-password-9b1d7e";
const WRONG_PASSWORD: &str = "wrong-password-3c6e0a";

/// A reply's status and body, whatever they are.
async fn call(method: reqwest::Method, url: String, token: Option<&str>, body: Option<Value>) -> (u16, String) {
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.expect("the server answers");
    let status = reply.status().as_u16();
    (status, reply.text().await.unwrap_or_default())
}

async fn no_password_token_or_key_reaches_the_log_or_an_error_body(backend: Backend) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let log = data_dir.path().join("server.log");
    let database_url = match &backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.path().join("hub.db").display()),
        Backend::Postgres(base) => hub_tests::postgres_schema_url(base).await,
    };
    let env = [("RUST_LOG", "debug"), ("HUB_JWT_SECRET", SIGNING_KEY)];
    let server = ServerProcess::start(data_dir.path(), &database_url, &env, Some(&log)).await;
    let url = |path: &str| format!("{}{path}", server.base);
    use reqwest::Method;

    let account = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "alice", "password": FIRST_PASSWORD, "email": "alice@example.com"}),
        )
        .await;
    let mut secrets: Vec<String> = vec![
        SIGNING_KEY.into(),
        FIRST_PASSWORD.into(),
        SECOND_PASSWORD.into(),
        WRONG_PASSWORD.into(),
    ];
    let token_of = |reply: &Value, name: &str| reply[name].as_str().expect("a token").to_owned();
    let first_refresh = token_of(&account, "refresh_token");
    secrets.push(token_of(&account, "access_token"));
    secrets.push(first_refresh.clone());

    let mut errors = Vec::new();
    let wrong = json!({"username": "alice", "password": WRONG_PASSWORD});
    errors.push(call(Method::POST, url("/api/v1/auth/login"), None, Some(wrong)).await);

    let renewed = server
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": first_refresh}))
        .await;
    secrets.push(token_of(&renewed, "access_token"));
    secrets.push(token_of(&renewed, "refresh_token"));
    // The theft signal: the first refresh token again.
    let reused = json!({"refresh_token": first_refresh});
    errors.push(call(Method::POST, url("/api/v1/auth/refresh"), None, Some(reused)).await);

    let login = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": FIRST_PASSWORD}),
        )
        .await;
    let access = token_of(&login, "access_token");
    let refresh = token_of(&login, "refresh_token");
    secrets.push(access.clone());
    secrets.push(refresh.clone());

    // Forged and mangled tokens, over REST and on the gateway.
    let forged = format!("{access}x");
    secrets.push(forged.clone());
    errors.push(call(Method::GET, url("/api/v1/auth/me"), Some(&forged), None).await);
    let oidc = "an-identity-provider-token-5e2b";
    secrets.push(oidc.into());
    errors.push(
        call(
            Method::POST,
            url("/api/v1/auth/oidc"),
            None,
            Some(json!({"token": oidc})),
        )
        .await,
    );
    let ws = server.base.replacen("http://", "ws://", 1);
    let mut socket = WsClient::open(&format!("{ws}/api/v1/ws?token={forged}")).await;
    // Refused with a close code; any frame before it is checked like an error body.
    if let Some(frame) = socket.next_frame(Duration::from_secs(5)).await {
        errors.push((0, frame.to_string()));
    }
    let mut socket = WsClient::open(&format!("{ws}/api/v1/ws?token={access}")).await;
    socket.send(json!({"type": "auth", "token": forged})).await;
    if let Some(frame) = socket.next_frame(Duration::from_secs(5)).await {
        errors.push((0, frame.to_string()));
    }

    let change = json!({"current_password": FIRST_PASSWORD, "new_password": SECOND_PASSWORD});
    let (status, _) = call(
        Method::PUT,
        url("/api/v1/users/me/password"),
        Some(&access),
        Some(change),
    )
    .await;
    assert!((200..300).contains(&status), "the password change: {status}");
    let again = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": SECOND_PASSWORD}),
        )
        .await;
    secrets.push(token_of(&again, "access_token"));
    let last_refresh = token_of(&again, "refresh_token");
    secrets.push(last_refresh.clone());
    errors.push(
        call(
            Method::POST,
            url("/api/v1/auth/refresh"),
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await,
    );
    let logout = json!({"refresh_token": last_refresh});
    call(
        Method::POST,
        url("/api/v1/auth/logout"),
        Some(&token_of(&again, "access_token")),
        Some(logout),
    )
    .await;
    drop(socket);
    server.stop();

    for (status, body) in &errors {
        assert!(!body.is_empty(), "an error with no body ({status})");
        for secret in &secrets {
            assert!(
                !body.contains(secret.as_str()),
                "an error body ({status}) holds a secret: {body}"
            );
        }
    }
    let written = std::fs::read_to_string(&log).expect("the server's log");
    assert!(
        written.contains("request") && written.lines().count() > 20,
        "the server logged too little to say anything:\n{written}"
    );
    for secret in &secrets {
        assert!(!written.contains(secret.as_str()), "the log holds a secret ({secret})");
    }
    // Nor a password hash, nor the pieces of a token (its signature is its last part).
    assert!(!written.contains("$argon2"), "the log holds a password hash");
    for token in secrets.iter().filter(|secret| secret.matches('.').count() == 2) {
        let signature = token.rsplit('.').next().unwrap_or_default();
        assert!(
            signature.len() < 16 || !written.contains(signature),
            "the log holds a token's signature"
        );
    }
}
