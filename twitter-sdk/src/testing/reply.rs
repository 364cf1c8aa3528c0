//! Responses of the fake: X's body shapes (v2 problem details, v1.1 `errors`
//! arrays, OAuth errors, HTML pages) and the conversion into a wiremock
//! `ResponseTemplate`, gzip included.

use std::io::Write;
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use social_core::http::{HeaderName, HeaderValue, StatusCode};
use wiremock::ResponseTemplate;

const JSON: &str = "application/json; charset=utf-8";
// X's OpenAPI spec lists both `application/json` and
// `application/problem+json` for error bodies. The fake sends the latter for
// problems, so a client that reads only `application/json` fails in tests.
const PROBLEM_JSON: &str = "application/problem+json";
const HTML: &str = "text/html; charset=utf-8";

/// One response under construction.
#[derive(Debug, Clone)]
pub(super) struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(HeaderName, HeaderValue)>,
    delay: Option<Duration>,
    always_gzip: bool,
}

impl Reply {
    /// Builds a JSON response with the given status.
    pub(super) fn json(status: u16, body: Value) -> Reply {
        Reply::raw(status, JSON, body.to_string().into_bytes())
    }

    /// Builds a v2 problem response. `problem` is the last segment of the
    /// problem type URI, or `None` for the generic `about:blank`.
    pub(super) fn problem(status: u16, title: &str, problem: Option<&str>, detail: &str) -> Reply {
        let kind = problem.map_or_else(
            || "about:blank".to_owned(),
            |name| format!("https://api.x.com/2/problems/{name}"),
        );
        // Field order as in X's duplicate-post body; JSON readers ignore it.
        let body = ordered_object(&[
            ("detail", json!(detail)),
            ("type", json!(kind)),
            ("title", json!(title)),
            ("status", json!(status)),
        ]);
        Reply::raw(status, PROBLEM_JSON, body.into_bytes())
    }

    /// Builds the generic problem of a status, such as `Service Unavailable`.
    pub(super) fn status_problem(status: StatusCode) -> Reply {
        let title = status.canonical_reason().unwrap_or("Error");
        Reply::problem(status.as_u16(), title, None, title)
    }

    /// Builds a 400 `invalid-request` problem with one validation message.
    pub(super) fn invalid_request(message: &str) -> Reply {
        let body = json!({
            "errors": [{"message": message, "parameters": {}}],
            "title": "Invalid Request",
            "detail": "One or more parameters of the request are invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
            "status": 400,
        });
        Reply::raw(400, PROBLEM_JSON, body.to_string().into_bytes())
    }

    /// Builds a v1.1-style `{"errors":[{"message","code"}]}` response.
    pub(super) fn v1_error(status: u16, code: u32, message: &str) -> Reply {
        let error = ordered_object(&[("message", json!(message)), ("code", json!(code))]);
        let body = format!(r#"{{"errors":[{error}]}}"#);
        Reply::raw(status, JSON, body.into_bytes())
    }

    /// Builds an OAuth 2.0 token endpoint error.
    pub(super) fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(
            status,
            json!({"error": error, "error_description": description}),
        )
    }

    /// Builds an HTML page response.
    pub(super) fn html(status: u16, page: &str) -> Reply {
        Reply::raw(status, HTML, page.as_bytes().to_vec())
    }

    fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type,
            body,
            headers: Vec::new(),
            delay: None,
            always_gzip: false,
        }
    }

    /// Replaces the body with the generic problem of `status`, keeping the
    /// headers already set.
    pub(super) fn replaced_by_problem(self, status: StatusCode) -> Reply {
        let mut problem = Reply::status_problem(status);
        problem.headers = self.headers;
        problem
    }

    /// Adds a header; a value that is not a valid header value is skipped.
    pub(super) fn header(mut self, name: &'static str, value: impl AsRef<str>) -> Reply {
        if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
            self.headers.push((HeaderName::from_static(name), value));
        }
        self
    }

    /// Delays the response by `delay`.
    pub(super) fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// Sends the body gzip-encoded even when the request did not offer
    /// `Accept-Encoding: gzip`, so the client must decode by the response's
    /// `Content-Encoding`.
    pub(super) fn always_gzip(mut self) -> Reply {
        self.always_gzip = true;
        self
    }

    /// Builds the wiremock response. The body is gzip-encoded when the client
    /// accepts gzip or [`Reply::always_gzip`] was set.
    pub(super) fn into_template(self, accepts_gzip: bool) -> ResponseTemplate {
        let gzip = (accepts_gzip || self.always_gzip) && !self.body.is_empty();
        let body = if gzip {
            gzip_bytes(&self.body)
        } else {
            self.body
        };
        let mut template = ResponseTemplate::new(self.status).set_body_raw(body, self.content_type);
        if gzip {
            template = template.insert_header(
                social_core::http::header::CONTENT_ENCODING,
                HeaderValue::from_static("gzip"),
            );
        }
        for (name, value) in self.headers {
            template = template.append_header(name, value);
        }
        match self.delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

/// Writes a JSON object with its fields in the given order (serde_json
/// sorts the keys of a `Value` object).
fn ordered_object(fields: &[(&str, Value)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", Value::from(*key)))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn gzip_bytes(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // `Write` for `Vec<u8>` never returns an error.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}
