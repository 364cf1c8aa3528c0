//! Records of requests and posts, for assertions.

use social_core::http::HeaderMap;

/// One request that reached the fake (dropped connections never do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The path, such as `/2/tweets`.
    pub path: String,
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names in lowercase. The credentials of `Authorization`
    /// are replaced by `[redacted]`, keeping the scheme (`OAuth`, `Bearer`,
    /// `Basic`).
    pub headers: Vec<(String, String)>,
    /// The length of the body in bytes.
    pub body_len: usize,
}

impl RecordedRequest {
    pub(super) fn new(request: &wiremock::Request) -> RecordedRequest {
        RecordedRequest {
            method: request.method.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request.url.query_pairs().into_owned().collect(),
            headers: redacted_headers(&request.headers),
            body_len: request.body.len(),
        }
    }

    /// Returns the first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

fn redacted_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            let value = if name == social_core::http::header::AUTHORIZATION {
                let scheme = value.split_whitespace().next().unwrap_or_default();
                format!("{scheme} [redacted]")
            } else {
                value.into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// A post created through `POST /2/tweets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPost {
    /// The post id, a string of 19 digits.
    pub id: String,
    /// The text as sent.
    pub text: String,
    /// `media.media_ids`, in order.
    pub media_ids: Vec<String>,
    /// `reply.in_reply_to_tweet_id`.
    pub in_reply_to_tweet_id: Option<String>,
    /// `quote_tweet_id`.
    pub quote_tweet_id: Option<String>,
    /// `poll`.
    pub poll: Option<RecordedPoll>,
    /// `reply_settings`.
    pub reply_settings: Option<String>,
    /// When the post was created, in Unix seconds.
    pub created_at: u64,
    /// Whether `DELETE /2/tweets/{id}` removed it since.
    pub deleted: bool,
}

/// The poll of a [`RecordedPost`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPoll {
    /// The options, in order.
    pub options: Vec<String>,
    /// `duration_minutes`.
    pub duration_minutes: u32,
}
