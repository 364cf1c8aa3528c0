//! The wiremock responder in front of every endpoint: it records the
//! request, fires injected faults, checks credentials and rate limits, calls
//! the endpoint's handler and adds the headers every X response carries.

use std::sync::{Arc, Mutex, PoisonError};

use social_core::http::{Method, StatusCode};
use wiremock::{Request, Respond, ResponseTemplate};

use super::auth;
use super::faults::Effect;
use super::rate_limits::Usage;
use super::records::RecordedRequest;
use super::reply::Reply;
use super::state::{State, now_epoch};
use super::{media, oauth2, tweets};

/// The endpoints the fake serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    CreatePost,
    DeletePost(String),
    GetPost(String),
    Me,
    MediaSimple,
    MediaInitialize,
    MediaAppend(String),
    MediaFinalize(String),
    MediaStatus,
    MediaMetadata,
    UserToken,
    AppToken,
    NotFound,
}

impl Route {
    fn parse(method: &Method, path: &str) -> Route {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method.as_str(), segments.as_slice()) {
            ("POST", ["2", "tweets"]) => Route::CreatePost,
            ("DELETE", ["2", "tweets", id]) => Route::DeletePost((*id).to_owned()),
            ("GET", ["2", "tweets", id]) => Route::GetPost((*id).to_owned()),
            ("GET", ["2", "users", "me"]) => Route::Me,
            ("POST", ["2", "media", "upload"]) => Route::MediaSimple,
            ("GET", ["2", "media", "upload"]) => Route::MediaStatus,
            ("POST", ["2", "media", "upload", "initialize"]) => Route::MediaInitialize,
            ("POST", ["2", "media", "metadata"]) => Route::MediaMetadata,
            ("POST", ["2", "media", "upload", id, "append"]) => {
                Route::MediaAppend((*id).to_owned())
            }
            ("POST", ["2", "media", "upload", id, "finalize"]) => {
                Route::MediaFinalize((*id).to_owned())
            }
            ("POST", ["2", "oauth2", "token"]) => Route::UserToken,
            ("POST", ["oauth2", "token"]) => Route::AppToken,
            _ => Route::NotFound,
        }
    }

    /// Returns the key of the rate-limit window: one per endpoint, whatever
    /// the id in its path.
    pub(super) fn rate_key(&self) -> &'static str {
        match self {
            Route::CreatePost => "POST /2/tweets",
            Route::DeletePost(_) => "DELETE /2/tweets/:id",
            Route::GetPost(_) => "GET /2/tweets/:id",
            Route::Me => "GET /2/users/me",
            Route::MediaSimple => "POST /2/media/upload",
            Route::MediaInitialize => "POST /2/media/upload/initialize",
            Route::MediaAppend(_) => "POST /2/media/upload/:id/append",
            Route::MediaFinalize(_) => "POST /2/media/upload/:id/finalize",
            Route::MediaStatus => "GET /2/media/upload",
            Route::MediaMetadata => "POST /2/media/metadata",
            Route::UserToken => "POST /2/oauth2/token",
            Route::AppToken => "POST /oauth2/token",
            Route::NotFound => "unknown",
        }
    }

    /// App-only bearer tokens may read posts, nothing else.
    pub(super) fn allows_app_only(&self) -> bool {
        matches!(self, Route::GetPost(_))
    }

    /// Token endpoints authenticate the client themselves.
    fn is_api(&self) -> bool {
        !matches!(self, Route::UserToken | Route::AppToken | Route::NotFound)
    }
}

/// The single responder mounted on the wiremock server.
#[derive(Debug, Clone)]
pub(super) struct Router {
    pub(super) state: Arc<Mutex<State>>,
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.log.push(RecordedRequest::new(request));
        let reply = route_request(&mut state, request)
            .header("x-transaction-id", state.new_transaction_id());
        reply.into_template(accepts_gzip(request))
    }
}

fn route_request(state: &mut State, request: &Request) -> Reply {
    let route = Route::parse(&request.method, request.url.path());
    let now = now_epoch();
    let effect = state.faults.fire(&request.method, request.url.path());
    let usage = state.limits.peek(&route, now);
    match effect {
        Some(Effect::Instead(reply)) => usage.apply(reply),
        Some(Effect::TooManyRequests { retry_after_secs }) => {
            too_many_requests(usage.exhausted_until(now + retry_after_secs))
                .header("retry-after", retry_after_secs.to_string())
        }
        Some(Effect::StatusAfterCommit(status)) => {
            handle(state, request, &route, now).replaced_by_problem(status)
        }
        Some(Effect::DelayAfterCommit(delay)) => handle(state, request, &route, now).delayed(delay),
        None => handle(state, request, &route, now),
    }
}

/// Authenticates, counts the call against its rate limit and runs the handler.
fn handle(state: &mut State, request: &Request, route: &Route, now: u64) -> Reply {
    if !route.is_api() {
        let reply = handler(state, request, route);
        return state.limits.peek(route, now).apply(reply);
    }
    if let Err(reply) = auth::authenticate(state, request, route) {
        return state.limits.peek(route, now).apply(reply);
    }
    match state.limits.take(route, now) {
        Ok(usage) => usage.apply(handler(state, request, route)),
        Err(usage) => too_many_requests(usage),
    }
}

fn handler(state: &mut State, request: &Request, route: &Route) -> Reply {
    match route {
        Route::CreatePost => tweets::create(state, request),
        Route::DeletePost(id) => tweets::delete(state, id),
        Route::GetPost(id) => tweets::get(state, request, id),
        Route::Me => tweets::me(state),
        Route::MediaSimple => media::simple_upload(state, request),
        Route::MediaInitialize => media::initialize(state, request),
        Route::MediaAppend(id) => media::append(state, request, id),
        Route::MediaFinalize(id) => media::finalize(state, id),
        Route::MediaStatus => media::status(state, request),
        Route::MediaMetadata => media::metadata(state, request),
        Route::UserToken => oauth2::user_token(state, request),
        Route::AppToken => oauth2::app_token(state, request),
        Route::NotFound => Reply::v1_error(404, 34, "Sorry, that page does not exist."),
    }
}

fn too_many_requests(usage: Usage) -> Reply {
    let reply = Reply::status_problem(StatusCode::TOO_MANY_REQUESTS);
    usage.apply(reply)
}

fn accepts_gzip(request: &Request) -> bool {
    request
        .headers
        .get_all("accept-encoding")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| {
            value
                .split(',')
                .any(|coding| coding.trim().starts_with("gzip"))
        })
}
