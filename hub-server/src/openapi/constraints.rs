//! What the server really takes, written into the OpenAPI document: lengths, patterns, id
//! formats and list sizes, with the limits this server runs with (its configuration), so a
//! generated client and schemathesis refuse what the server would refuse. The patterns are
//! `hub_core::rules::patterns`, whose tests hold them to the validators.

use hub_core::config::Config;
use hub_core::rules::{channels, messages, paging, patterns, profile, reactions};
use serde_json::{Map, Value, json};

/// Writes the constraints into `document` (the OpenAPI document as JSON).
pub fn apply(document: &mut Value, config: &Config) {
    ids_are_uuids(document);
    for (schema, property, constraint) in body_fields(config) {
        let Some(field) = document.pointer_mut(&format!("/components/schemas/{schema}/properties/{property}")) else {
            continue;
        };
        constrain(field, &constraint);
    }
    query_and_path_parameters(document, config);
}

/// The rules of request body fields: (schema, property, JSON Schema keywords).
fn body_fields(config: &Config) -> Vec<(&'static str, &'static str, Value)> {
    let auth = &config.auth;
    let limits = &config.limits;
    let forum = &config.forum;
    let username = json!({ "minLength": 2, "maxLength": auth.max_username_length, "pattern": patterns::USERNAME });
    let password = json!({ "minLength": auth.min_password_length, "maxLength": auth.max_password_length });
    let email = json!({ "maxLength": 254, "pattern": patterns::EMAIL });
    let full_name = json!({ "maxLength": profile::MAX_FULL_NAME_LENGTH, "pattern": patterns::DISPLAY_NAME });
    let channel_name =
        json!({ "minLength": 1, "maxLength": channels::MAX_CHANNEL_NAME_LENGTH, "pattern": patterns::CHANNEL_NAME });
    let channel_text = json!({ "maxLength": channels::MAX_CHANNEL_TEXT_LENGTH, "pattern": patterns::MULTILINE_TEXT });
    let content =
        json!({ "minLength": 1, "maxLength": limits.max_message_length, "pattern": patterns::MESSAGE_CONTENT });
    let title = json!({ "minLength": 1, "maxLength": forum.max_title_length, "pattern": patterns::NOT_BLANK });
    let comment = json!({ "minLength": 1, "maxLength": forum.max_comment_length, "pattern": patterns::NOT_BLANK });
    let post_body = json!({ "maxLength": forum.max_post_length });
    // Repeated tags count once, so a list may repeat them.
    let tags = json!({ "maxItems": forum.max_tags_per_post,
        "items": { "minLength": 1, "maxLength": 24, "pattern": patterns::TAG } });
    let report_text = json!({ "maxLength": limits.max_report_text_length });
    let note = json!({ "minLength": 1, "maxLength": limits.max_report_text_length, "pattern": patterns::NOT_BLANK });
    let duration = json!({ "pattern": patterns::DURATION, "maxLength": 12 });
    vec![
        ("RegisterRequest", "username", username.clone()),
        ("RegisterRequest", "password", password.clone()),
        ("RegisterRequest", "email", email.clone()),
        ("RegisterRequest", "full_name", full_name.clone()),
        ("ChangePasswordRequest", "new_password", password),
        ("UpdateProfileRequest", "full_name", full_name),
        (
            "UpdateProfileRequest",
            "bio",
            json!({ "maxLength": profile::MAX_BIO_LENGTH, "pattern": patterns::MULTILINE_TEXT }),
        ),
        ("UpdateProfileRequest", "email", email),
        (
            "UpdateProfileRequest",
            "avatar_url",
            json!({ "maxLength": profile::MAX_AVATAR_URL_LENGTH, "pattern": patterns::avatar() }),
        ),
        ("CreateChannelRequest", "name", channel_name.clone()),
        ("CreateChannelRequest", "description", channel_text.clone()),
        ("CreateChannelRequest", "topic", channel_text.clone()),
        // Direct conversations are opened with POST /dms, not as a kind of channel.
        (
            "CreateChannelRequest",
            "kind",
            json!({ "type": "string", "enum": ["public", "private", "voice"] }),
        ),
        ("UpdateChannelRequest", "name", channel_name),
        ("UpdateChannelRequest", "description", channel_text.clone()),
        ("UpdateChannelRequest", "topic", channel_text),
        ("SendMessageRequest", "content", content.clone()),
        // Files are not available yet: a send with any is refused.
        ("SendMessageRequest", "file_ids", json!({ "maxItems": 0 })),
        ("EditMessageRequest", "content", content),
        // The caller is in every direct conversation they open; the others are named.
        (
            "CreateDmRequest",
            "user_ids",
            json!({ "minItems": 1, "maxItems": limits.max_dm_members.saturating_sub(1) }),
        ),
        (
            "CreateChatRequestRequest",
            "message",
            json!({ "maxLength": config.safety.max_chat_request_message_length }),
        ),
        ("CreatePostRequest", "title", title.clone()),
        ("CreatePostRequest", "body", post_body.clone()),
        ("CreatePostRequest", "tags", tags.clone()),
        ("UpdatePostRequest", "title", title),
        ("UpdatePostRequest", "body", post_body),
        ("UpdatePostRequest", "tags", tags),
        ("CreateCommentRequest", "body", comment.clone()),
        ("UpdateCommentRequest", "body", comment),
        ("VoteRequest", "value", json!({ "minimum": -1, "maximum": 1 })),
        (
            "CreateReactionRequest",
            "emoji",
            json!({ "minLength": 1, "maxLength": reactions::MAX_REACTION_CODE_LENGTH, "pattern": patterns::REACTION_CODE }),
        ),
        (
            "CreateReactionRequest",
            "image_url",
            json!({ "maxLength": 2048, "pattern": patterns::WEB_URL }),
        ),
        ("CreateReportRequest", "details", report_text),
        ("CreateReportRequest", "target_id", json!({ "format": "uuid" })),
        ("ResolveReportRequest", "note", note.clone()),
        ("ResolveReportRequest", "duration", duration.clone()),
        ("DismissReportRequest", "note", note),
        ("SuspendRequest", "duration", duration),
    ]
}

/// Every id hub gives out is a UUID (v7); `ClientId` is the caller's own idempotency key and
/// `ConnectionId` only travels from server to client.
fn ids_are_uuids(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        if name == "ClientId" {
            let key =
                json!({ "minLength": 1, "maxLength": messages::MAX_CLIENT_ID_LENGTH, "pattern": patterns::CLIENT_ID });
            constrain(schema, &key);
        } else if name.ends_with("Id") && name != "ConnectionId" {
            constrain(schema, &json!({ "format": "uuid" }));
        }
    }
}

/// Path ids are UUIDs; page sizes are this server's; cursors and queries have their shapes.
fn query_and_path_parameters(document: &mut Value, config: &Config) {
    let Some(paths) = document.pointer_mut("/paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let lists_users = matches!(path.as_str(), "/api/v1/users" | "/api/v1/admin/users");
        let searches = path.starts_with("/api/v1/search/");
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for parameter in parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                let location = parameter["in"].as_str().unwrap_or_default().to_owned();
                let constraint = match (location.as_str(), name.as_str()) {
                    ("path", "id" | "user_id" | "message_id" | "session_id") => json!({ "format": "uuid" }),
                    ("query", "limit") => json!({ "minimum": 1, "maximum": config.limits.max_page_size }),
                    ("query", "q") if searches => json!({ "maxLength": config.search.max_query_chars }),
                    ("query", "q") if path == "/api/v1/ai/context" => {
                        json!({ "maxLength": config.assistant.max_question_chars })
                    }
                    ("query", "cursor") if searches => json!({ "pattern": patterns::SEARCH_CURSOR }),
                    ("query", "q") => json!({ "maxLength": paging::MAX_QUERY_LENGTH }),
                    ("query", "cursor") if lists_users => {
                        json!({ "minLength": 1, "maxLength": 128, "pattern": patterns::USERNAME_CURSOR })
                    }
                    ("query", "cursor") if id_cursor(path) => json!({ "format": "uuid" }),
                    ("query", "tag") => json!({ "minLength": 1, "maxLength": 24, "pattern": patterns::TAG }),
                    _ => continue,
                };
                if let Some(schema) = parameter.get_mut("schema") {
                    constrain(schema, &constraint);
                }
            }
        }
    }
}

/// The lists whose cursor is the id of their last item.
fn id_cursor(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/posts"
            | "/api/v1/posts/{id}/comments"
            | "/api/v1/reports/mine"
            | "/api/v1/admin/reports"
            | "/api/v1/admin/audit-log"
            | "/api/v1/chat-requests"
    )
}

/// Adds `keywords` to a property schema: to the string alternative of an optional field
/// (`oneOf: [T, null]`, or `type: [T, "null"]`), or to the schema itself. A `$ref` is replaced
/// by the keywords when they carry their own `type` (an enum narrowed for this field).
fn constrain(field: &mut Value, keywords: &Value) {
    let Some(keywords) = keywords.as_object() else { return };
    if let Some(alternatives) = field.get_mut("oneOf").and_then(Value::as_array_mut) {
        for alternative in alternatives {
            if alternative.get("type").and_then(Value::as_str) != Some("null") {
                constrain(alternative, &Value::Object(keywords.clone()));
            }
        }
        return;
    }
    let Some(schema) = field.as_object_mut() else { return };
    if schema.contains_key("$ref") {
        if !keywords.contains_key("type") {
            // A referenced id schema gets the keywords itself (ids_are_uuids); nothing to add here.
            return;
        }
        schema.remove("$ref");
    }
    merge(schema, keywords);
}

fn merge(schema: &mut Map<String, Value>, keywords: &Map<String, Value>) {
    for (key, value) in keywords {
        match (schema.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => merge(existing, more),
            _ => {
                schema.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        let Ok(document) = serde_json::from_slice(&crate::openapi::document_json(&Config::default())) else {
            panic!("the document is JSON");
        };
        document
    }

    #[test]
    fn body_fields_carry_the_rules_and_the_configured_limits() {
        let mut config = Config::default();
        config.limits.max_message_length = 1234;
        let Ok(document) = serde_json::from_slice::<Value>(&crate::openapi::document_json(&config)) else {
            panic!("the document is JSON");
        };
        let content = &document["components"]["schemas"]["SendMessageRequest"]["properties"]["content"];
        assert_eq!(content["maxLength"], 1234);
        assert_eq!(content["pattern"], patterns::MESSAGE_CONTENT);
        let username = &document["components"]["schemas"]["RegisterRequest"]["properties"]["username"];
        assert_eq!(username["pattern"], patterns::USERNAME);
        assert_eq!(username["maxLength"], config.auth.max_username_length);
    }

    #[test]
    fn every_constrained_field_exists_in_the_document() {
        let document = document();
        for (schema, property, _) in body_fields(&Config::default()) {
            assert!(
                document
                    .pointer(&format!("/components/schemas/{schema}/properties/{property}"))
                    .is_some(),
                "{schema}.{property} is constrained but not in the document"
            );
        }
    }

    #[test]
    fn optional_fields_keep_null_and_constrain_the_value() {
        let document = document();
        let email = &document["components"]["schemas"]["RegisterRequest"]["properties"]["email"];
        let text = serde_json::to_string(email).unwrap_or_default();
        assert!(text.contains("null"), "{text}");
        assert!(text.contains(patterns::EMAIL.replace('\\', "\\\\").as_str()), "{text}");
    }

    #[test]
    fn ids_paths_and_page_sizes() {
        let document = document();
        assert_eq!(document["components"]["schemas"]["MessageId"]["format"], "uuid");
        assert!(document["components"]["schemas"]["ClientId"].get("format").is_none());
        let pin = &document["paths"]["/api/v1/channels/{id}/pins/{message_id}"]["put"]["parameters"];
        assert!(pin.as_array().is_some_and(|parameters| {
            parameters
                .iter()
                .all(|parameter| parameter["schema"]["format"] == "uuid")
        }));
        let users = &document["paths"]["/api/v1/users"]["get"]["parameters"];
        let limit = users
            .as_array()
            .and_then(|parameters| parameters.iter().find(|parameter| parameter["name"] == "limit"));
        assert_eq!(limit.map(|limit| limit["schema"]["maximum"].clone()), Some(json!(200)));
    }

    #[test]
    fn channels_are_created_public_private_or_voice() {
        let document = document();
        let kind = &document["components"]["schemas"]["CreateChannelRequest"]["properties"]["kind"];
        assert_eq!(kind["enum"], json!(["public", "private", "voice"]));
    }
}
