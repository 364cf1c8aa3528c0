//! Injected failures: HTML pages, 429s, 5xx responses, slow responses and
//! dropped connections, each armed for a number of matching requests.

use std::time::Duration;

use social_core::http::{Method, StatusCode};

use super::reply::Reply;

/// A failure for the next matching request(s). A fault fires on requests
/// whose method equals `method` and whose path starts with `path_prefix`
/// (a `*` segment in the prefix matches any one segment, so
/// `/2/media/upload/*/append` matches every append), `times` times, then
/// disarms. Faults fire in the order they were injected.
///
/// Unless its name ends in "after commit", a fault responds before the
/// request is handled: nothing is stored, no post is created, no rate-limit
/// counter moves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// A 503 `text/html` page titled `Twitter / Over capacity`, as a proxy in
    /// front of X sends it.
    HtmlServiceUnavailable {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests fail.
        times: usize,
    },
    /// A 429 with `Retry-After: retry_after_secs`, the v2 problem body and
    /// `x-rate-limit-remaining: 0`.
    TooManyRequests {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests fail.
        times: usize,
        /// The `Retry-After` value in seconds; `x-rate-limit-reset` is set
        /// to now plus this.
        retry_after_secs: u64,
    },
    /// A JSON problem with this status, such as 500, 502 or 503 (any valid
    /// status is sent as given; an invalid one becomes 500).
    ServerError {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests fail.
        times: usize,
        /// The HTTP status.
        status: u16,
    },
    /// The connection closes after part of the request body was read, with
    /// no response. The request never reaches the fake, so it is not in
    /// [`FakeX::requests`](super::FakeX::requests); see
    /// [`FakeX::dropped_connections`](super::FakeX::dropped_connections).
    ///
    /// The front that drops connections matches paths by substring, so a
    /// prefix with a `*` segment matches every path containing the text
    /// after its last `*` (such as `/append`).
    DropConnection {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many connections are dropped.
        times: usize,
    },
    /// Delays the response by `delay`, then sends 504 without handling the
    /// request, so a client whose timeout is shorter sees a timeout.
    Timeout {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests are delayed.
        times: usize,
        /// How long the response is delayed.
        delay: Duration,
    },
    /// Handles the request (a post is created, a segment stored), then
    /// sends a JSON problem with `status` instead of the real response: the
    /// case where a client must not send a creating request again.
    ServerErrorAfterCommit {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests are affected.
        times: usize,
        /// The HTTP status sent instead of the real one.
        status: u16,
    },
    /// Handles the request, then delays the real response by `delay`, so a
    /// client whose timeout is shorter times out after the change was made.
    SlowAfterCommit {
        /// The method to match.
        method: Method,
        /// The path prefix to match.
        path_prefix: String,
        /// How many requests are affected.
        times: usize,
        /// How long the response is delayed.
        delay: Duration,
    },
}

impl Fault {
    fn target(&self) -> (&Method, &str, usize) {
        match self {
            Fault::HtmlServiceUnavailable {
                method,
                path_prefix,
                times,
            }
            | Fault::TooManyRequests {
                method,
                path_prefix,
                times,
                ..
            }
            | Fault::ServerError {
                method,
                path_prefix,
                times,
                ..
            }
            | Fault::DropConnection {
                method,
                path_prefix,
                times,
            }
            | Fault::Timeout {
                method,
                path_prefix,
                times,
                ..
            }
            | Fault::ServerErrorAfterCommit {
                method,
                path_prefix,
                times,
                ..
            }
            | Fault::SlowAfterCommit {
                method,
                path_prefix,
                times,
                ..
            } => (method, path_prefix, *times),
        }
    }

    /// Returns the text the connection-dropping front looks for in a path.
    pub(super) fn front_pattern(&self) -> String {
        let (_, prefix, _) = self.target();
        match prefix.rsplit_once('*') {
            None => prefix.to_owned(),
            Some((_, "")) => prefix.split('*').next().unwrap_or_default().to_owned(),
            Some((_, tail)) => tail.to_owned(),
        }
    }
}

/// The effect of an armed fault on the request it fires on.
#[derive(Debug)]
pub(super) enum Effect {
    /// Send this instead of handling the request.
    Instead(Reply),
    /// Send a 429 built from the endpoint's rate-limit usage.
    TooManyRequests { retry_after_secs: u64 },
    /// Handle the request, then send this status's problem instead.
    StatusAfterCommit(StatusCode),
    /// Handle the request, then delay the response.
    DelayAfterCommit(Duration),
}

/// The faults waiting for requests.
#[derive(Debug, Default)]
pub(super) struct ArmedFaults {
    armed: Vec<(Fault, usize)>,
}

impl ArmedFaults {
    pub(super) fn arm(&mut self, fault: Fault) {
        let (_, _, times) = fault.target();
        if times > 0 {
            self.armed.push((fault, times));
        }
    }

    /// Fires the first fault matching the request, if any.
    pub(super) fn fire(&mut self, method: &Method, path: &str) -> Option<Effect> {
        let index = self.armed.iter().position(|(fault, _)| {
            let (want, prefix, _) = fault.target();
            want == method && path_matches(prefix, path)
        })?;
        let (fault, remaining) = self.armed.get_mut(index)?;
        let effect = effect(fault);
        *remaining -= 1;
        if *remaining == 0 {
            self.armed.remove(index);
        }
        Some(effect)
    }
}

fn effect(fault: &Fault) -> Effect {
    match fault {
        Fault::HtmlServiceUnavailable { .. } => Effect::Instead(Reply::html(503, OVER_CAPACITY)),
        Fault::TooManyRequests {
            retry_after_secs, ..
        } => Effect::TooManyRequests {
            retry_after_secs: *retry_after_secs,
        },
        Fault::ServerError { status, .. } => {
            Effect::Instead(Reply::status_problem(to_status(*status)))
        }
        Fault::Timeout { delay, .. } => {
            Effect::Instead(Reply::status_problem(StatusCode::GATEWAY_TIMEOUT).delayed(*delay))
        }
        Fault::ServerErrorAfterCommit { status, .. } => {
            Effect::StatusAfterCommit(to_status(*status))
        }
        Fault::SlowAfterCommit { delay, .. } => Effect::DelayAfterCommit(*delay),
        // Dropped by the front before the request reaches the fake; never armed here.
        Fault::DropConnection { .. } => {
            Effect::Instead(Reply::status_problem(StatusCode::BAD_GATEWAY))
        }
    }
}

fn to_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Returns whether `path` starts with `prefix`, where a `*` segment of the
/// prefix matches any one non-empty segment.
pub(super) fn path_matches(prefix: &str, path: &str) -> bool {
    if !prefix.contains('*') {
        return path.starts_with(prefix);
    }
    let wanted: Vec<&str> = prefix.split('/').collect();
    let mut segments = path.split('/');
    for (index, want) in wanted.iter().enumerate() {
        let Some(segment) = segments.next() else {
            return false;
        };
        let is_last = index + 1 == wanted.len();
        let matched = match *want {
            "*" => !segment.is_empty(),
            _ if is_last => segment.starts_with(want),
            _ => segment == *want,
        };
        if !matched {
            return false;
        }
    }
    true
}

const OVER_CAPACITY: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Twitter / Over capacity</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; color: #14171a; text-align: center; margin-top: 96px; }
h1 { font-size: 28px; }
p { color: #657786; }
</style>
</head>
<body>
<h1>Twitter is over capacity.</h1>
<p>More requests arrived than the service can take right now. Wait a moment and try again.</p>
</body>
</html>
"#;
