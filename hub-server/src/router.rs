//! The route table: every route the server serves, as `(method, path template, handler)`.
//! One table feeds dispatch, the metrics' route labels and the test that holds the OpenAPI
//! document to the real routes.

use std::future::Future;
use std::pin::Pin;

use hub_core::Result;
use warp::http::Method;

use crate::http::{ApiRequest, ApiResponse, PathParams};
use crate::state::AppState;

/// A boxed handler future.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<ApiResponse>> + Send>>;
/// A handler: state and request in, response out.
pub type Handler = fn(AppState, ApiRequest) -> HandlerFuture;

/// One route.
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path template: literal segments, `{name}` for one segment, `{*name}` for the rest.
    pub path: &'static str,
    /// What serves it.
    pub handler: Handler,
    /// Whether the handler reads the body itself, as a stream (uploads), instead of getting it
    /// read within `limits.max_body_bytes`.
    pub streams_body: bool,
}

/// How literally a route fits a path, segment by segment (literal = `true`); compared lexicographically.
type Specificity = Vec<bool>;

/// What the router found for a request.
pub enum Matched<'a> {
    /// A route and its path parameters.
    Route(&'a Route, PathParams),
    /// The path exists with other methods (listed for the `Allow` header).
    MethodNotAllowed(Vec<Method>),
    /// No route has this path.
    NotFound,
}

/// Finds routes by method and path.
pub struct Router {
    routes: Vec<(Route, Vec<Segment>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(&'static str),
    Param(&'static str),
    Rest(&'static str),
}

impl Router {
    /// A router over `routes`.
    pub fn new(routes: Vec<Route>) -> Self {
        let routes = routes
            .into_iter()
            .map(|route| {
                let segments = parse_template(route.path);
                (route, segments)
            })
            .collect();
        Router { routes }
    }

    /// Every route, in table order.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().map(|(route, _)| route)
    }

    /// The route for `method` and `path`. Literal segments win over parameters
    /// (`/users/me` before `/users/{id}`), whatever the method: a path belongs to its most
    /// specific template, so `PATCH /channels/mine` is a 405 from `/channels/mine` rather than
    /// `/channels/{id}` with id `mine`, and the 405 lists that template's methods, once each.
    /// A trailing slash is forgiven.
    pub fn find(&self, method: &Method, path: &str) -> Matched<'_> {
        match self.find_exact(method, path) {
            Matched::NotFound if path.len() > 1 && path.ends_with('/') => {
                self.find_exact(method, path.trim_end_matches('/'))
            }
            found => found,
        }
    }

    fn find_exact(&self, method: &Method, path: &str) -> Matched<'_> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut fits: Vec<(Specificity, &Route, PathParams)> = Vec::new();
        for (route, segments) in &self.routes {
            if let Some((specificity, params)) = match_segments(segments, &parts) {
                fits.push((specificity, route, params));
            }
        }
        let Some(best) = fits.iter().map(|(specificity, _, _)| specificity).max().cloned() else {
            return Matched::NotFound;
        };
        let mut allowed: Vec<Method> = Vec::new();
        for (specificity, route, params) in fits {
            if specificity != best {
                continue;
            }
            if route.method == *method {
                return Matched::Route(route, params);
            }
            if !allowed.contains(&route.method) {
                allowed.push(route.method.clone());
            }
        }
        Matched::MethodNotAllowed(allowed)
    }
}

fn parse_template(template: &'static str) -> Vec<Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(|part| {
            if let Some(name) = part.strip_prefix("{*").and_then(|rest| rest.strip_suffix('}')) {
                Segment::Rest(name)
            } else if let Some(name) = part.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
                Segment::Param(name)
            } else {
                Segment::Literal(part)
            }
        })
        .collect()
}

/// Whether `parts` fit `segments`; if so, how specific the fit is (literal = true, segment by
/// segment, compared lexicographically) and the decoded parameters.
fn match_segments(segments: &[Segment], parts: &[&str]) -> Option<(Specificity, PathParams)> {
    let mut specificity = Vec::with_capacity(segments.len());
    let mut params = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Rest(name) => {
                // The tail may be empty ("/docs/") but its slash must be there ("/docs" is another route).
                let rest = parts.get(index..).filter(|rest| !rest.is_empty())?.join("/");
                params.push((*name, rest));
                specificity.push(false);
                return Some((specificity, params));
            }
            Segment::Literal(literal) => {
                if parts.get(index) != Some(literal) {
                    return None;
                }
                specificity.push(true);
            }
            Segment::Param(name) => {
                let part = parts.get(index).filter(|part| !part.is_empty())?;
                let decoded = percent_decode(part)?;
                params.push((*name, decoded));
                specificity.push(false);
            }
        }
    }
    (parts.len() == segments.len()).then_some((specificity, params))
}

fn percent_decode(part: &str) -> Option<String> {
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dummy(_: AppState, _: ApiRequest) -> HandlerFuture {
        Box::pin(async { Ok(ApiResponse::no_content()) })
    }

    fn router() -> Router {
        Router::new(vec![
            Route {
                method: Method::GET,
                path: "/api/v1/users/{id}",
                handler: dummy,
                streams_body: false,
            },
            Route {
                method: Method::GET,
                path: "/api/v1/users/me",
                handler: dummy,
                streams_body: false,
            },
            Route {
                method: Method::PATCH,
                path: "/api/v1/users/me",
                handler: dummy,
                streams_body: false,
            },
            Route {
                method: Method::GET,
                path: "/docs/{*file}",
                handler: dummy,
                streams_body: false,
            },
            Route {
                method: Method::GET,
                path: "/docs",
                handler: dummy,
                streams_body: false,
            },
        ])
    }

    fn found(matched: Matched<'_>) -> Option<(&'static str, PathParams)> {
        match matched {
            Matched::Route(route, params) => Some((route.path, params)),
            _ => None,
        }
    }

    #[test]
    fn literals_beat_parameters_and_params_are_decoded() {
        let router = router();
        assert_eq!(
            found(router.find(&Method::GET, "/api/v1/users/me")).map(|f| f.0),
            Some("/api/v1/users/me")
        );
        let (path, params) = found(router.find(&Method::GET, "/api/v1/users/a%20b")).unwrap_or_default();
        assert_eq!(path, "/api/v1/users/{id}");
        assert_eq!(params, vec![("id", "a b".to_owned())]);
        assert!(found(router.find(&Method::GET, "/api/v1/users/")).is_none());
        assert_eq!(
            found(router.find(&Method::GET, "/api/v1/users/me/")).map(|f| f.0),
            Some("/api/v1/users/me")
        );
    }

    #[test]
    fn wrong_method_and_unknown_paths_are_told_apart() {
        let router = router();
        assert!(matches!(
            router.find(&Method::DELETE, "/api/v1/users/me"),
            Matched::MethodNotAllowed(_)
        ));
        assert!(matches!(router.find(&Method::GET, "/nothing/here"), Matched::NotFound));
    }

    #[test]
    fn a_path_belongs_to_its_most_specific_template_whatever_the_method() {
        let router = router();
        // /users/me has GET and PATCH; /users/{id} has GET. A DELETE of /users/me is refused by
        // /users/me alone, and each method is listed once.
        let Matched::MethodNotAllowed(allowed) = router.find(&Method::DELETE, "/api/v1/users/me") else {
            panic!("DELETE /users/me is not allowed");
        };
        assert_eq!(allowed, vec![Method::GET, Method::PATCH]);
        // A PATCH of another user is not sent to /users/me's PATCH, nor taken as /users/{id}.
        let Matched::MethodNotAllowed(allowed) = router.find(&Method::PATCH, "/api/v1/users/someone") else {
            panic!("PATCH /users/{{id}} is not a route");
        };
        assert_eq!(allowed, vec![Method::GET]);
    }

    #[test]
    fn rest_segments_take_the_tail() {
        let router = router();
        assert_eq!(found(router.find(&Method::GET, "/docs")).map(|f| f.0), Some("/docs"));
        let (_, params) = found(router.find(&Method::GET, "/docs/")).unwrap_or_default();
        assert_eq!(params, vec![("file", String::new())]);
        let (_, params) = found(router.find(&Method::GET, "/docs/a/b.js")).unwrap_or_default();
        assert_eq!(params, vec![("file", "a/b.js".to_owned())]);
    }
}
