//! Per-endpoint rate-limit windows and the `x-rate-limit-*`,
//! `x-user-limit-24hour-*` and `x-app-limit-24hour-*` headers.

use std::collections::HashMap;

use super::reply::Reply;
use super::router::Route;

const FIFTEEN_MINUTES: u64 = 15 * 60;
const ONE_DAY: u64 = 24 * 60 * 60;

/// Per-user 15-minute limits of X's rate-limit table (August 2026).
fn window_limit(route: &Route) -> u32 {
    match route {
        Route::CreatePost => 100,
        Route::DeletePost(_) => 50,
        Route::Me => 75,
        // NOTE: X's current rate-limit table, as the fake follows it, has no
        // row for `GET /2/tweets/:id`; 900 per 15 minutes is recalled from
        // older X documentation and not checked.
        Route::GetPost(_) => 900,
        Route::MediaStatus => 1_000,
        Route::MediaSimple => 500,
        Route::MediaInitialize | Route::MediaAppend(_) | Route::MediaFinalize(_) => 1_875,
        // NOTE: X publishes no limit for media metadata, the token endpoints
        // or unknown paths in the table the fake follows. The fake sends
        // headers there too, with a made-up limit.
        Route::MediaMetadata | Route::UserToken | Route::AppToken | Route::NotFound => 300,
    }
}

/// A counter that refills when its period has passed.
#[derive(Debug, Clone, Copy)]
struct Window {
    limit: u32,
    remaining: u32,
    reset_at: u64,
    period: u64,
}

impl Window {
    fn new(limit: u32, period: u64) -> Window {
        Window {
            limit,
            remaining: limit,
            reset_at: 0,
            period,
        }
    }

    fn refill(&mut self, now: u64) {
        if now >= self.reset_at {
            self.remaining = self.limit;
            self.reset_at = now + self.period;
        }
    }

    fn header_values(&self) -> [String; 3] {
        [
            self.limit.to_string(),
            self.remaining.to_string(),
            self.reset_at.to_string(),
        ]
    }
}

/// The limits seen on one response.
#[derive(Debug, Clone, Copy)]
pub(super) struct Usage {
    window: Window,
    daily: Option<(Window, Window)>,
}

impl Usage {
    /// Adds the rate-limit headers to `reply`.
    pub(super) fn apply(&self, reply: Reply) -> Reply {
        let [limit, remaining, reset] = self.window.header_values();
        let mut reply = reply
            .header("x-rate-limit-limit", limit)
            .header("x-rate-limit-remaining", remaining)
            .header("x-rate-limit-reset", reset);
        if let Some((user, app)) = self.daily {
            let [limit, remaining, reset] = user.header_values();
            reply = reply
                .header("x-user-limit-24hour-limit", limit)
                .header("x-user-limit-24hour-remaining", remaining)
                .header("x-user-limit-24hour-reset", reset);
            let [limit, remaining, reset] = app.header_values();
            reply = reply
                .header("x-app-limit-24hour-limit", limit)
                .header("x-app-limit-24hour-remaining", remaining)
                .header("x-app-limit-24hour-reset", reset);
        }
        reply
    }

    /// Returns the same usage with the 15-minute window spent until
    /// `reset_at`, for an injected 429.
    pub(super) fn exhausted_until(mut self, reset_at: u64) -> Usage {
        self.window.remaining = 0;
        self.window.reset_at = reset_at;
        self
    }
}

/// All windows of one fake.
#[derive(Debug)]
pub(super) struct RateLimits {
    windows: HashMap<&'static str, Window>,
    user_daily: Window,
    app_daily: Window,
}

impl Default for RateLimits {
    fn default() -> RateLimits {
        // NOTE: X documents 10 000 posts per 24 h per app; the per-user
        // 24-hour cap is not documented, so the fake uses the same value.
        RateLimits {
            windows: HashMap::new(),
            user_daily: Window::new(10_000, ONE_DAY),
            app_daily: Window::new(10_000, ONE_DAY),
        }
    }
}

impl RateLimits {
    /// Sets the 24-hour post caps and starts both windows afresh.
    pub(super) fn set_daily_post_limits(&mut self, user: u32, app: u32) {
        self.user_daily = Window::new(user, ONE_DAY);
        self.app_daily = Window::new(app, ONE_DAY);
    }

    /// Returns the current usage of `route` without counting a call.
    pub(super) fn peek(&mut self, route: &Route, now: u64) -> Usage {
        let window = self.window(route, now);
        Usage {
            window: *window,
            daily: self.daily(route, now),
        }
    }

    /// Counts one call of `route`. Returns `Err` with the usage, and counts
    /// nothing, when one of its windows is spent.
    pub(super) fn take(&mut self, route: &Route, now: u64) -> Result<Usage, Usage> {
        let usage = self.peek(route, now);
        let daily_spent = usage
            .daily
            .is_some_and(|(user, app)| user.remaining == 0 || app.remaining == 0);
        if usage.window.remaining == 0 || daily_spent {
            return Err(usage);
        }
        let window = self.window(route, now);
        window.remaining -= 1;
        if usage.daily.is_some() {
            self.user_daily.remaining -= 1;
            self.app_daily.remaining -= 1;
        }
        Ok(self.peek(route, now))
    }

    fn window(&mut self, route: &Route, now: u64) -> &mut Window {
        let window = self
            .windows
            .entry(route.rate_key())
            .or_insert_with(|| Window::new(window_limit(route), FIFTEEN_MINUTES));
        window.refill(now);
        window
    }

    fn daily(&mut self, route: &Route, now: u64) -> Option<(Window, Window)> {
        if *route != Route::CreatePost {
            return None;
        }
        self.user_daily.refill(now);
        self.app_daily.refill(now);
        Some((self.user_daily, self.app_daily))
    }
}
