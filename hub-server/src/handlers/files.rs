//! Files: multipart uploads streamed into the file storage, a file's view, downloads (with
//! `Range` and `If-None-Match`) and deletion.

use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use hub_core::error::{Error, ErrorKind};
use hub_core::model::FileId;
use hub_core::protocol::v1::{ErrorBody, FileView};
use hub_core::rules::files;
use hub_core::{Result, rules};
use warp::http::{HeaderValue, StatusCode, header};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// Room for the multipart framing around the file, when judging a declared length.
const FRAMING_BYTES: u64 = 64 * 1024;

/// The form field that carries the file.
const FILE_FIELD: &str = "file";

fn file_id(request: &ApiRequest) -> Result<FileId> {
    request.id("id")
}

fn header_text(request: &ApiRequest, name: header::HeaderName) -> Option<&str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// Upload a file: `multipart/form-data` with the file in the field `file` → 201. Its type is
/// read from its content (415 when not allowed); past `files.max_file_bytes` or the quota the
/// upload is cut off with 413 and nothing is kept. Send its id in a message's `file_ids`.
#[utoipa::path(post, path = "/api/v1/files", tag = "files", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "The file, in the form field `file` (with its file name)"),
    responses((status = 201, body = FileView), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let content_type = header_text(&request, header::CONTENT_TYPE).unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        Error::new(
            ErrorKind::UnsupportedMediaType,
            "send the file as multipart/form-data, in the field `file`",
        )
    })?;
    let declared = header_text(&request, header::CONTENT_LENGTH).and_then(|value| value.parse::<u64>().ok());
    let max = state.hub.config().files.max_file_bytes;
    let mut body = request.take_body_stream()?;
    if declared.is_some_and(|length| length > max.saturating_add(FRAMING_BYTES)) {
        crate::drain_body(&mut body).await;
        return Err(
            Error::new(ErrorKind::PayloadTooLarge, format!("files may be at most {max} bytes"))
                .with_field(FILE_FIELD)
                .with_details(serde_json::json!({ "max_bytes": max, "quota": false })),
        );
    }
    let mut form = multer::Multipart::new(body.map_err(|err| std::io::Error::other(err.message)), boundary);
    let outcome = store_the_file(&state, &caller, &mut form).await;
    if outcome.is_err() {
        // Read what the client is still sending, so it gets the answer rather than a reset.
        let _ = tokio::time::timeout(crate::DRAIN_TIME, async {
            while let Ok(Some(_)) = form.next_field().await {}
        })
        .await;
    }
    let file = outcome?;
    ApiResponse::json(StatusCode::CREATED, &file)
}

/// The form's `file` field, stored.
async fn store_the_file(
    state: &AppState,
    caller: &hub_core::service::Caller,
    form: &mut multer::Multipart<'static>,
) -> Result<FileView> {
    while let Some(field) = form.next_field().await.map_err(form_error)? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let chunks = field.map_err(form_error).boxed();
        return state.hub.upload_file(caller, &name, chunks).await;
    }
    Err(Error::invalid(FILE_FIELD, "the form has no field `file`"))
}

fn form_error(err: multer::Error) -> Error {
    Error::invalid(FILE_FIELD, format!("the multipart form cannot be read: {err}"))
}

/// A file's details (its uploader's while not sent; else anyone who reads its channel).
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, body = FileView), (status = 404, body = ErrorBody)))]
pub async fn get(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    ApiResponse::ok(&state.hub.file(&caller, &file_id(&request)?).await?)
}

/// A file's bytes, with its type, a safe `Content-Disposition` and its length; `Range:
/// bytes=...` gets 206 with those bytes, a matching `If-None-Match` 304.
#[utoipa::path(get, path = "/api/v1/files/{id}/download", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "File id"),
        ("Range" = Option<String>, Header, description = "bytes=first-last, bytes=first- or bytes=-suffix"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy already held")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "The asked part"), (status = 304, description = "Not modified"),
        (status = 404, body = ErrorBody), (status = 416, body = ErrorBody)))]
pub async fn download(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    let id = file_id(&request)?;
    let etag = files::etag(id.as_str());
    let etag_value = HeaderValue::from_str(&etag).map_err(Error::internal)?;
    if files::not_modified(header_text(&request, header::IF_NONE_MATCH), &etag) {
        // Still only for someone who may see it.
        state.hub.file(&caller, &id).await?;
        return Ok(ApiResponse::no_content()
            .with_status(StatusCode::NOT_MODIFIED)
            .with_header(header::ETAG, etag_value));
    }
    let download = state
        .hub
        .download_file(&caller, &id, header_text(&request, header::RANGE))
        .await?;
    let file = &download.file;
    let range = download.bytes.range.clone();
    let header = |text: String| HeaderValue::from_str(&text).map_err(Error::internal);
    let mut headers = vec![
        (header::CONTENT_TYPE, header(file.content_type.clone())?),
        (header::CONTENT_LENGTH, header((range.end - range.start).to_string())?),
        (
            header::CONTENT_DISPOSITION,
            header(rules::files::content_disposition(&file.name))?,
        ),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
    ];
    let status = match download.partial {
        true => {
            let size = file.size_bytes;
            headers.push((
                header::CONTENT_RANGE,
                header(format!("bytes {}-{}/{size}", range.start, range.end.saturating_sub(1)))?,
            ));
            StatusCode::PARTIAL_CONTENT
        }
        false => StatusCode::OK,
    };
    let chunks = download
        .bytes
        .chunks
        .map(|chunk: Result<Bytes>| chunk.map_err(|err| std::io::Error::other(err.message)));
    Ok(ApiResponse {
        status,
        body: Bytes::new(),
        headers,
        stream: Some(Box::pin(chunks)),
    })
}

/// Delete a file: its uploader, or for a sent one also a channel admin or a site admin. The
/// message loses it and its channel hears `file.deleted`.
#[utoipa::path(delete, path = "/api/v1/files/{id}", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "File id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(state: AppState, request: ApiRequest) -> Result<ApiResponse> {
    let caller = request.caller(&state).await?;
    state.hub.delete_file(&caller, &file_id(&request)?).await?;
    Ok(ApiResponse::no_content())
}
