//! The assistant's model: one call to an OpenAI-compatible chat-completions endpoint, bounded
//! by `ai_timeout_secs` and `ai_max_tokens`. Every failure is a clear 503 naming what went
//! wrong; nothing here holds a channel or the gateway (callers run it in their own task).

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};

fn unavailable(message: String) -> Error {
    Error::new(ErrorKind::Unavailable, message)
}

/// The model's answer to `prompt` under `system`, from `{base}/chat/completions`.
pub(super) async fn complete(config: &Config, base: &str, system: &str, prompt: &str) -> Result<String> {
    let timeout = Duration::from_secs(config.ai_timeout_secs.max(1));
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|err| unavailable(format!("cannot make the model's HTTP client: {err}")))?;
    let body = json!({
        "model": config.ai_model,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": prompt},
        ],
        "max_tokens": config.ai_max_tokens,
        "stream": false,
    });
    let mut request = client
        .post(format!("{}/chat/completions", base.trim_end_matches('/')))
        .json(&body);
    if let Some(key) = &config.ai_api_key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.map_err(|err| failed(&err, timeout))?;
    let status = response.status();
    if !status.is_success() {
        return Err(unavailable(format!("the assistant's model answered HTTP {status}")));
    }
    let answer: Value = response.json().await.map_err(|err| failed(&err, timeout))?;
    answer["choices"][0]["message"]["content"]
        .as_str()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .ok_or_else(|| unavailable("the assistant's model gave no answer".to_owned()))
}

fn failed(err: &reqwest::Error, timeout: Duration) -> Error {
    match err.is_timeout() {
        true => unavailable(format!(
            "the assistant's model did not answer within {} s; try again later",
            timeout.as_secs()
        )),
        false if err.is_connect() => unavailable("the assistant's model cannot be reached".to_owned()),
        false => unavailable(format!("the assistant's model failed: {err}")),
    }
}
