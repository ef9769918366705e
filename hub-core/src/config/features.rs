//! Settings of the features built on chat: search (and, as they come, files and the assistant).

use serde::{Deserialize, Serialize};

use crate::rules::search::QueryLimits;

/// Full-text search (`HUB_SEARCH__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    /// Longest query, in characters (`HUB_SEARCH__MAX_QUERY_CHARS`).
    pub max_query_chars: usize,
    /// Most words and phrases in one query (`HUB_SEARCH__MAX_TERMS`).
    pub max_terms: usize,
    /// Fewest letters before a `*` prefix (`HUB_SEARCH__MIN_PREFIX_CHARS`).
    pub min_prefix_chars: usize,
    /// How deep into the ranked results paging may go (`HUB_SEARCH__MAX_RESULT_DEPTH`): past
    /// it, narrow the search instead.
    pub max_result_depth: u32,
    /// Results per page when `limit=` is not given (`HUB_SEARCH__DEFAULT_PAGE_SIZE`).
    pub default_page_size: u32,
    /// Words in a result's snippet (`HUB_SEARCH__SNIPPET_WORDS`).
    pub snippet_words: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            max_query_chars: 256,
            max_terms: 16,
            min_prefix_chars: 2,
            max_result_depth: 1000,
            default_page_size: 20,
            snippet_words: 24,
        }
    }
}

impl SearchConfig {
    /// The limits the query parser applies.
    pub fn query_limits(&self) -> QueryLimits {
        QueryLimits {
            max_chars: self.max_query_chars,
            max_terms: self.max_terms,
            min_prefix_chars: self.min_prefix_chars.max(1),
        }
    }
}

/// Uploaded files (`HUB_FILES__*`); where they are kept is `s3_*` (or the data folder).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct FilesConfig {
    /// Largest file, in bytes (`HUB_FILES__MAX_FILE_BYTES`): an upload past it is cut off
    /// with 413 and nothing of it is kept.
    pub max_file_bytes: u64,
    /// Types taken, decided from the file's content (`HUB_FILES__ALLOWED_TYPES`, e.g.
    /// `["image/*", "application/pdf"]`).
    pub allowed_types: Vec<String>,
    /// Bytes of files one person may keep (`HUB_FILES__QUOTA_BYTES_PER_USER`).
    pub quota_bytes_per_user: u64,
    /// Most files on one message (`HUB_FILES__MAX_FILES_PER_MESSAGE`).
    pub max_files_per_message: usize,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            max_file_bytes: 25 * 1024 * 1024,
            allowed_types: [
                "image/png",
                "image/jpeg",
                "image/gif",
                "image/webp",
                "application/pdf",
                "text/plain",
                "application/zip",
                "audio/mpeg",
                "audio/ogg",
                "video/mp4",
                "video/webm",
            ]
            .map(str::to_owned)
            .to_vec(),
            quota_bytes_per_user: 1024 * 1024 * 1024,
            max_files_per_message: 10,
        }
    }
}

/// The assistant bot (`HUB_ASSISTANT__*`); its model is `ai_*` (none: the built-in answerer).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AssistantConfig {
    /// The bot's username; `@<it>` in a channel asks it (`HUB_ASSISTANT__USERNAME`).
    pub username: String,
    /// Messages retrieved for a question (`HUB_ASSISTANT__CONTEXT_MESSAGES`).
    pub context_messages: u32,
    /// Longest question, in characters (`HUB_ASSISTANT__MAX_QUESTION_CHARS`).
    pub max_question_chars: usize,
    /// Questions one person may ask per minute (`HUB_ASSISTANT__QUESTIONS_PER_MINUTE`).
    pub questions_per_minute: f64,
    /// Questions asked at once before the per-minute rate applies (`HUB_ASSISTANT__QUESTION_BURST`).
    pub question_burst: f64,
}

impl Default for AssistantConfig {
    fn default() -> Self {
        AssistantConfig {
            username: "assistant".to_owned(),
            context_messages: 8,
            max_question_chars: 2000,
            questions_per_minute: 6.0,
            question_burst: 3.0,
        }
    }
}
