//! The assistant as people use it: asked over REST, or with `@assistant` in a channel; its
//! answers come from what the asker may read and list those messages as sources; a model
//! stand-in on loopback sees only readable messages; a model that hangs gives a clear error
//! while the channel keeps working; no model configured quotes the best matches.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};
use warp::Filter as _;

hub_tests::on_both_databases!(
    without_a_model_the_best_matches_are_quoted_from_readable_messages,
    the_model_sees_only_what_the_asker_may_read,
    a_model_that_hangs_is_a_clear_error_and_the_channel_keeps_working,
    a_mention_is_answered_in_the_thread_by_the_bot,
);

/// A loopback stand-in for an OpenAI-compatible chat-completions API: it keeps each request
/// body and answers with `answer`, or never answers when `hang`.
struct StandIn {
    url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

async fn stand_in(answer: &'static str, hang: bool) -> StandIn {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let kept = requests.clone();
    let route = warp::post()
        .and(warp::path!("v1" / "chat" / "completions"))
        .and(warp::body::json())
        .then(move |body: Value| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(body);
                if hang {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                warp::reply::json(&json!({
                    "id": "stand-in",
                    "object": "chat.completion",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
                }))
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(route).incoming(listener).run());
    StandIn {
        url: format!("http://{address}/v1"),
        requests,
    }
}

/// Alice's public #general and private #secret, Bob only in #general.
async fn two_channels(server: &TestServer) -> (TestUser, TestUser, String, String) {
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let secret = server.new_channel(&alice, "secret", "private").await;
    server.join(&bob, &general).await;
    server
        .send_message(&alice, &general, "The launch is planned for Friday morning")
        .await;
    server
        .send_message(&bob, &general, "unrelated chatter about lunch")
        .await;
    server
        .send_message(&alice, &secret, "The secret launch codeword is marmalade")
        .await;
    (alice, bob, general, secret)
}

async fn ask(server: &TestServer, user: &TestUser, body: Value) -> hub_tests::Reply {
    server.post("/api/v1/ai/message", &user.access_token, body).await
}

/// Every source of an answer is a message `user` may read.
async fn assert_sources_readable(server: &TestServer, user: &TestUser, answer: &Value) {
    for source in answer["sources"].as_array().unwrap() {
        let id = source["message_id"].as_str().unwrap();
        server
            .get(&format!("/api/v1/messages/{id}"), &user.access_token)
            .await
            .expect(200);
    }
}

async fn without_a_model_the_best_matches_are_quoted_from_readable_messages(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, general, secret) = two_channels(&server).await;
    let answer = ask(&server, &bob, json!({"question": "When is the launch?"})).await;
    answer.expect(200);
    assert_eq!(answer.body["model"], "extractive");
    let text = answer.body["answer"].as_str().unwrap();
    assert!(text.contains("The launch is planned for Friday morning"), "{text}");
    assert!(!text.contains("marmalade"), "bob may not read #secret: {text}");
    assert_eq!(answer.body["sources"][0]["channel"]["name"], "general");
    assert_sources_readable(&server, &bob, &answer.body).await;

    // Alice reads both; asked about #secret only, she gets it.
    let hers = ask(
        &server,
        &alice,
        json!({"question": "launch codeword", "channel_id": secret}),
    )
    .await;
    assert!(
        hers.body["answer"].as_str().unwrap().contains("marmalade"),
        "{}",
        hers.body
    );
    assert!(
        hers.body["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["channel"]["id"] == secret.as_str())
    );
    // Bob naming #secret finds no such channel.
    ask(&server, &bob, json!({"question": "launch", "channel_id": secret}))
        .await
        .expect_error(404, "not_found");

    // The context: scores and neighbours, only readable messages.
    let context = server
        .get("/api/v1/ai/context?q=launch%20friday", &bob.access_token)
        .await;
    context.expect(200);
    let items = context.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", context.body);
    assert_eq!(items[0]["score"], 1.0);
    assert_eq!(items[0]["neighbours"][0]["content"], "unrelated chatter about lunch");
    assert_eq!(items[0]["channel"]["id"], general.as_str());

    ask(&server, &bob, json!({"question": "what is it?"}))
        .await
        .expect_error(422, "invalid_input");
    server.stop().await;
}

async fn the_model_sees_only_what_the_asker_may_read(backend: Backend) {
    let model = stand_in("It is on Friday [1].", false).await;
    let url = model.url.clone();
    let server = TestServer::start_with(&backend, |config| {
        config.ai_base_url = Some(url);
        config.ai_model = "stand-in-model".to_owned();
        config.ai_api_key = Some("sk-test".to_owned());
    })
    .await;
    let (_alice, bob, _general, _secret) = two_channels(&server).await;
    let answer = ask(
        &server,
        &bob,
        json!({"question": "When is the launch? What is the codeword?"}),
    )
    .await;
    answer.expect(200);
    assert_eq!(answer.body["answer"], "It is on Friday [1].");
    assert_eq!(answer.body["model"], "stand-in-model");
    assert_sources_readable(&server, &bob, &answer.body).await;

    let requests = model.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["model"], "stand-in-model");
    let prompt = requests[0]["messages"].to_string();
    assert!(prompt.contains("The launch is planned for Friday morning"), "{prompt}");
    assert!(
        !prompt.contains("marmalade"),
        "the prompt held a message bob may not read: {prompt}"
    );
    server.stop().await;
}

async fn a_model_that_hangs_is_a_clear_error_and_the_channel_keeps_working(backend: Backend) {
    let model = stand_in("never sent", true).await;
    let url = model.url.clone();
    let server = TestServer::start_with(&backend, |config| {
        config.ai_base_url = Some(url);
        config.ai_timeout_secs = 1;
    })
    .await;
    let (alice, bob, general, _secret) = two_channels(&server).await;
    let asking = {
        let (base, token) = (server.base.clone(), bob.access_token.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/ai/message"))
                .bearer_auth(token)
                .json(&json!({"question": "when is the launch?"}))
                .send()
                .await
        })
    };
    // While the model hangs, the channel goes on.
    let mut socket = server.ws_connect(&alice.access_token).await;
    server.send_message(&bob, &general, "still chatting").await;
    socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["content"] == "still chatting")
        .await;
    let reply = TestServer::reply(asking.await.unwrap().unwrap()).await;
    reply.expect_error(503, "unavailable");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within 1 s"),
        "{}",
        reply.body
    );
    // A mention gets the error in its thread instead of silence.
    let asked = server
        .send_message(&bob, &general, "@assistant when is the launch?")
        .await;
    let answer = socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["parent_id"] == asked["id"])
        .await;
    assert!(
        answer["message"]["content"]
            .as_str()
            .unwrap()
            .contains("could not answer"),
        "{answer}"
    );
    server.stop().await;
}

async fn a_mention_is_answered_in_the_thread_by_the_bot(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.assistant.question_burst = 2.0;
        config.assistant.questions_per_minute = 1.0;
    })
    .await;
    let (alice, bob, general, _secret) = two_channels(&server).await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    let asked = server
        .send_message(&bob, &general, "@assistant when is the launch?")
        .await;
    let answer = socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["parent_id"] == asked["id"])
        .await;
    let text = answer["message"]["content"].as_str().unwrap();
    assert!(text.contains("Friday morning"), "{text}");
    assert!(
        !text.contains("marmalade"),
        "the reply quoted #secret into #general: {text}"
    );
    let bot_id = answer["message"]["author_id"].as_str().unwrap();
    let bot = server
        .get(&format!("/api/v1/users/{bot_id}"), &alice.access_token)
        .await;
    assert_eq!(bot.body["username"], "assistant");
    assert_eq!(bot.body["is_bot"], true);
    // Nobody may take the bot's name.
    let taken = server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "assistant", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(taken.status, 422, "{}", taken.body);

    // One question left in the burst, then 429 with when to retry.
    ask(&server, &bob, json!({"question": "launch"})).await.expect(200);
    let limited = ask(&server, &bob, json!({"question": "launch"})).await;
    limited.expect_error(429, "rate_limited");
    assert!(limited.headers.get("retry-after").is_some());
    server.stop().await;
}
