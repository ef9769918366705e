//! The request and response types handlers see, body parsing with precise errors, and the one
//! place where a hub [`Error`] becomes an HTTP status and the JSON error body.

use bytes::Bytes;
use hub_core::protocol::v1::ErrorBody;
use hub_core::service::Caller;
use hub_core::{Error, ErrorKind, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use warp::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use warp::http::{Method, StatusCode};

use crate::state::AppState;

/// Decoded `{name}` path parameters of a route, in template order.
pub type PathParams = Vec<(&'static str, String)>;

/// A request as a handler sees it: path parameters by name, the raw query, headers and the body
/// (already read within the body limit).
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// `{name}` segments of the route template, in order.
    pub params: PathParams,
    /// The raw query string (without `?`).
    pub query: String,
    /// Request headers.
    pub headers: HeaderMap,
    /// The body (empty for a route that streams it).
    pub body: Bytes,
    /// The body as it arrives, for a route that streams it (see `Route::streams_body`); in a
    /// lock only so that a request can be shared while its handler awaits.
    pub body_stream: std::sync::Mutex<Option<BodyStream>>,
}

/// A request body read as it arrives.
pub type BodyStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes>> + Send>>;

impl ApiRequest {
    /// The streamed body, once (see `Route::streams_body`).
    pub fn take_body_stream(&self) -> Result<BodyStream> {
        self.body_stream
            .lock()
            .ok()
            .and_then(|mut stream| stream.take())
            .ok_or_else(|| Error::internal("this route does not stream its body, or it was read already"))
    }

    /// The path parameter `name` (the router guarantees the template has it).
    pub fn param(&self, name: &str) -> Result<&str> {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| Error::internal(format!("route has no parameter {name}")))
    }

    /// A `{name}` path parameter as the id type it names; one that is not shaped like an id
    /// names nothing (404).
    pub fn id<T: From<String>>(&self, name: &str) -> Result<T> {
        let raw = self.param(name)?;
        if !hub_core::model::is_id(raw) {
            return Err(Error::new(ErrorKind::NotFound, format!("{name}: no such id here")).with_field(name));
        }
        Ok(T::from(raw.to_owned()))
    }

    /// The query string parsed into `T`; a bad value names its parameter.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T> {
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(self.query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let field = err.path().to_string();
            Error::new(
                ErrorKind::InvalidInput,
                format!("bad query parameter {field}: {}", err.inner()),
            )
            .with_field(field)
        })
    }

    /// The body as JSON `T`. Malformed JSON is `invalid_json` (400); a missing or mistyped field is
    /// `invalid_input` (422) naming the field.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        if let Some(content_type) = self.content_type()
            && !is_json(&content_type)
        {
            return Err(Error::new(
                ErrorKind::UnsupportedMediaType,
                format!("expected a JSON body (Content-Type: application/json), got {content_type}"),
            ));
        }
        parse_json(&self.body)
    }

    /// The body as JSON, or `T::default()` when there is no body, or `null` (routes whose body is
    /// optional).
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> Result<T> {
        let text = self.body.trim_ascii();
        if text.is_empty() || text == b"null" {
            return Ok(T::default());
        }
        self.json()
    }

    /// The body as JSON, or as an `application/x-www-form-urlencoded` form with the same fields
    /// (the OAuth2 password flow sends a form).
    pub fn json_or_form<T: DeserializeOwned>(&self) -> Result<T> {
        match self.content_type() {
            Some(content_type) if content_type.starts_with("application/x-www-form-urlencoded") => {
                let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&self.body));
                serde_path_to_error::deserialize(deserializer)
                    .map_err(|err| field_error(err.path().to_string(), err.inner()))
            }
            _ => self.json(),
        }
    }

    /// The authenticated caller, from `Authorization: Bearer <token>`.
    pub async fn caller(&self, state: &AppState) -> Result<Caller> {
        let value = self.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            Error::new(
                ErrorKind::MissingToken,
                "sign in: send Authorization: Bearer <access token>",
            )
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|text| text.strip_prefix("Bearer ").or_else(|| text.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidToken,
                    "the Authorization header must be 'Bearer <token>'",
                )
            })?;
        state.hub.authenticate(token).await
    }

    fn content_type(&self) -> Option<String> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_ascii_lowercase())
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Parses JSON with a precise error (shared by REST bodies and, later, WebSocket frames).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(
            ErrorKind::InvalidJson,
            "the request body is empty; expected a JSON object",
        ));
    }
    // Every body is a JSON object: serde would also take an array for a struct (its fields in
    // order), so `["alice", "<password>"]` logged in and an array renamed a channel.
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => Error::invalid("body", "the request body must be a JSON object ({...})"),
            Err(err) => Error::new(ErrorKind::InvalidJson, format!("the body is not valid JSON: {err}")),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => field_error(path, &inner),
            _ => Error::new(ErrorKind::InvalidJson, format!("the body is not valid JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|err| Error::new(ErrorKind::InvalidJson, format!("the body is not valid JSON: {err}")))?;
    Ok(value)
}

/// A 422 naming the field: the path where a value was wrong, or the field a message says is
/// missing or unknown (request bodies refuse fields they do not have).
fn field_error(path: String, inner: &dyn std::fmt::Display) -> Error {
    let message = inner.to_string();
    let field = if let Some((_, rest)) = message.split_once("missing field `") {
        // The path is the object that lacks the field.
        let name = rest.split('`').next().unwrap_or_default();
        if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    } else if let Some((_, rest)) = message.split_once("unknown field `")
        && path == "."
    {
        // The path already names an unknown field below the top; at the top it is ".".
        rest.split('`').next().unwrap_or_default().to_owned()
    } else {
        path
    };
    let message = message.split(" at line ").next().unwrap_or_default().to_owned();
    Error::new(ErrorKind::InvalidInput, format!("{field}: {message}")).with_field(field)
}

/// What a handler returns.
pub struct ApiResponse {
    /// Status code.
    pub status: StatusCode,
    /// Body bytes.
    pub body: Bytes,
    /// Extra headers (content type included).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A body sent piece by piece instead (`body` is then empty).
    pub stream: Option<ResponseStream>,
}

/// A response body sent as its pieces come.
pub type ResponseStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<Bytes>> + Send>>;

impl ApiResponse {
    /// A JSON body.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self> {
        let body = serde_json::to_vec(value).map_err(Error::internal)?;
        Ok(ApiResponse {
            status,
            body: Bytes::from(body),
            headers: vec![(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            stream: None,
        })
    }

    /// 200 with a JSON body.
    pub fn ok<T: Serialize>(value: &T) -> Result<Self> {
        ApiResponse::json(StatusCode::OK, value)
    }

    /// 204 with no body.
    pub fn no_content() -> Self {
        ApiResponse {
            status: StatusCode::NO_CONTENT,
            body: Bytes::new(),
            headers: Vec::new(),
            stream: None,
        }
    }

    /// A body of another type (text, SVG, HTML).
    pub fn bytes(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Result<Self> {
        let value = HeaderValue::from_str(content_type).map_err(Error::internal)?;
        Ok(ApiResponse {
            status,
            body: body.into(),
            headers: vec![(header::CONTENT_TYPE, value)],
            stream: None,
        })
    }

    /// A redirect to `location`.
    pub fn redirect(location: &'static str) -> Self {
        ApiResponse {
            status: StatusCode::MOVED_PERMANENTLY,
            body: Bytes::new(),
            headers: vec![(header::LOCATION, HeaderValue::from_static(location))],
            stream: None,
        }
    }

    /// The same response with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 200 with a JSON body written piece by piece into `chunks` by someone else (a large
    /// export), sent as it comes.
    pub fn json_stream(mut chunks: tokio::sync::mpsc::Receiver<Vec<u8>>) -> Self {
        let stream = futures_util::stream::poll_fn(move |cx| {
            chunks
                .poll_recv(cx)
                .map(|chunk| chunk.map(|chunk| Ok::<_, std::io::Error>(Bytes::from(chunk))))
        });
        ApiResponse::streamed(StatusCode::OK, "application/json", Box::pin(stream))
    }

    /// A body of `content_type` sent as `stream` yields it (a download).
    pub fn streamed(status: StatusCode, content_type: &'static str, stream: ResponseStream) -> Self {
        ApiResponse {
            status,
            body: Bytes::new(),
            headers: vec![(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            stream: Some(stream),
        }
    }

    /// Into warp's response.
    pub fn into_response(self) -> warp::reply::Response {
        use warp::Reply as _;
        let mut response = match self.stream {
            Some(stream) => {
                // warp wants a `Sync` stream; a lock nobody else takes makes any stream one.
                let stream = std::sync::Mutex::new(stream);
                let body = futures_util::stream::poll_fn(move |cx| match stream.lock() {
                    Ok(mut stream) => stream.as_mut().poll_next(cx),
                    Err(_) => std::task::Poll::Ready(None),
                });
                warp::reply::stream(body).into_response()
            }
            None => warp::reply::Response::new(self.body.into()),
        };
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}

/// Headers on every response: no type sniffing, no referrer, no framing, and a content policy
/// (nothing at all for the API; the browsable docs load their own scripts and styles, which
/// Swagger UI writes partly inline).
pub fn security_headers(headers: &mut HeaderMap, path: &str) {
    const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
    const DOCS_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
        style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    let policy = if path == "/docs" || path.starts_with("/docs/") {
        DOCS_POLICY
    } else {
        API_POLICY
    };
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
}

/// The HTTP status of each error kind. Exhaustive on purpose: a new kind must choose its status here.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidJson => StatusCode::BAD_REQUEST,
        ErrorKind::InvalidInput | ErrorKind::WeakPassword => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::MissingToken
        | ErrorKind::InvalidToken
        | ErrorKind::TokenExpired
        | ErrorKind::InvalidCredentials
        | ErrorKind::RefreshTokenReused => StatusCode::UNAUTHORIZED,
        ErrorKind::AccountSuspended
        | ErrorKind::Forbidden
        | ErrorKind::Blocked
        | ErrorKind::ChatRequestRequired
        | ErrorKind::ChatClosed => StatusCode::FORBIDDEN,
        ErrorKind::NotFound | ErrorKind::RouteNotFound => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::UsernameTaken | ErrorKind::EmailTaken | ErrorKind::ChannelNameTaken | ErrorKind::Conflict => {
            StatusCode::CONFLICT
        }
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The response for an error: its status, the JSON error body, and the headers the status calls
/// for (`WWW-Authenticate` on 401, `Retry-After` on 429). Internal causes are logged, never sent.
pub fn error_response(err: &Error) -> warp::reply::Response {
    let status = status_of(err.kind);
    if status.is_server_error() {
        tracing::error!(error = %err, cause = ?err.source, "request failed");
    }
    let body = serde_json::to_vec(&ErrorBody::from(err))
        .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}".to_vec());
    let mut response = ApiResponse {
        status,
        body: Bytes::from(body),
        headers: vec![(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        stream: None,
    };
    if status == StatusCode::UNAUTHORIZED {
        response = response.with_header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"hub\""),
        );
    }
    if let Some(delay) = err.retry_after {
        response = response.with_header(header::RETRY_AFTER, HeaderValue::from(delay.as_secs().max(1)));
    }
    if let Some(allow) = err
        .details
        .as_ref()
        .and_then(|details| details.get("allow"))
        .and_then(|v| v.as_str())
        && let Ok(value) = HeaderValue::from_str(allow)
    {
        response = response.with_header(header::ALLOW, value);
    }
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Sample {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        age: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn an_unknown_field_is_named() {
        let err = parse_json::<Strict>(br#"{"name":"x","is_superuser":true}"#).err();
        assert_eq!(err.as_ref().map(|e| e.kind), Some(ErrorKind::InvalidInput));
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("is_superuser"));
    }

    #[test]
    fn malformed_json_is_400_and_missing_fields_name_the_field() {
        let err = parse_json::<Sample>(b"{not json").err();
        assert_eq!(err.map(|e| e.kind), Some(ErrorKind::InvalidJson));
        let err = parse_json::<Sample>(br#"{"name":"x"}"#).err();
        assert_eq!(err.as_ref().map(|e| e.kind), Some(ErrorKind::InvalidInput));
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("age"));
        let err = parse_json::<Sample>(br#"{"name":"x","age":"old"}"#).err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("age"));
        let array = parse_json::<Sample>(br#"["x", 1]"#).err();
        assert_eq!(
            array.as_ref().map(|err| err.kind),
            Some(ErrorKind::InvalidInput),
            "JSON, but no object"
        );
        assert_eq!(array.and_then(|err| err.field).as_deref(), Some("body"));
        let scalar = parse_json::<Sample>(b" 42").err();
        assert_eq!(scalar.map(|err| err.kind), Some(ErrorKind::InvalidInput));
        let junk = parse_json::<Sample>(b"nope").err();
        assert_eq!(
            junk.map(|err| err.kind),
            Some(ErrorKind::InvalidJson),
            "not JSON at all"
        );
        let err = parse_json::<Sample>(b"").err();
        assert_eq!(err.map(|e| e.kind), Some(ErrorKind::InvalidJson));
        let err = parse_json::<Sample>(br#"{"name":"x","age":1} trailing"#).err();
        assert_eq!(err.map(|e| e.kind), Some(ErrorKind::InvalidJson));
    }

    #[test]
    fn every_kind_has_a_status_and_only_internal_is_500() {
        for kind in ErrorKind::ALL {
            let status = status_of(kind);
            assert_eq!(
                status == StatusCode::INTERNAL_SERVER_ERROR,
                kind == ErrorKind::Internal,
                "{kind:?}"
            );
        }
    }
}
