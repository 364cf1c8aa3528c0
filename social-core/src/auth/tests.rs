use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::StatusCode;

use super::*;
use crate::error::ApiError;
use crate::time::ManualTimer;

/// A grant that rotates tokens: refresh token `rN` gives access token `aN+1`
/// and refresh token `rN+1`. It rejects any refresh token used twice.
#[derive(Debug, Default)]
struct RotatingGrant {
    calls: AtomicUsize,
    used: Mutex<Vec<String>>,
    omit_refresh_token: bool,
}

#[async_trait]
impl RefreshGrant for RotatingGrant {
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::task::yield_now().await;
        let mut used = self.used.lock().expect("lock");
        if used.iter().any(|t| t == refresh_token.expose()) {
            return Err(AuthError::new(Platform::X, "refresh token reused")
                .needs_reauthorization()
                .into());
        }
        used.push(refresh_token.expose().to_owned());
        let set = TokenSet::new(format!("a{n}"));
        Ok(if self.omit_refresh_token {
            set
        } else {
            set.with_refresh_token(format!("r{n}"))
        })
    }

    fn platform(&self) -> Platform {
        Platform::X
    }
}

fn rejected() -> Error {
    ApiError::new(Platform::X, ErrorKind::InvalidToken, "expired")
        .with_status(StatusCode::UNAUTHORIZED)
        .into()
}

#[tokio::test]
async fn concurrent_rejections_share_one_refresh() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_in_callback = seen.clone();
    let provider = RefreshingTokenProvider::new(
        RotatingGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    )
    .on_refresh(move |set| {
        seen_in_callback
            .lock()
            .expect("lock")
            .push(set.refresh_token.as_ref().map(|t| t.expose().to_owned()));
    });

    let stale = provider.access_token().await.expect("token");
    let (first, second) = tokio::join!(
        provider.refresh_rejected(&stale),
        provider.refresh_rejected(&stale)
    );

    assert_eq!(first.expect("first").expose(), "a1");
    assert_eq!(second.expect("second").expose(), "a1");
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
    assert_eq!(*seen.lock().expect("lock"), vec![Some("r1".to_owned())]);
}

#[tokio::test]
async fn with_token_refresh_retries_once() {
    let provider = RefreshingTokenProvider::new(
        RotatingGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    );
    let tokens_used = Mutex::new(Vec::new());

    let result = with_token_refresh(&provider, |token| {
        tokens_used
            .lock()
            .expect("lock")
            .push(token.expose().to_owned());
        async move {
            if token.expose() == "a0" {
                Err(rejected())
            } else {
                Ok(token.expose().to_owned())
            }
        }
    })
    .await;

    assert_eq!(result.expect("second attempt succeeds"), "a1");
    assert_eq!(*tokens_used.lock().expect("lock"), vec!["a0", "a1"]);
}

#[tokio::test]
async fn second_rejection_returned_not_looped() {
    let provider = RefreshingTokenProvider::new(
        RotatingGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    );
    let attempts = AtomicUsize::new(0);

    let result: Result<()> = with_token_refresh(&provider, |_| {
        attempts.fetch_add(1, Ordering::SeqCst);
        async { Err(rejected()) }
    })
    .await;

    assert_eq!(
        result.expect_err("still rejected").kind(),
        ErrorKind::InvalidToken
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn other_errors_do_not_refresh() {
    let provider = RefreshingTokenProvider::new(
        RotatingGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    );

    let result: Result<()> = with_token_refresh(&provider, |_| async {
        Err(ApiError::new(Platform::X, ErrorKind::PermissionDenied, "no").into())
    })
    .await;

    assert!(result.is_err());
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn expiring_token_refreshed_before_use() {
    let timer = Arc::new(ManualTimer::new());
    let expires = timer.now() + Duration::from_secs(30);
    let provider = RefreshingTokenProvider::new(
        RotatingGrant::default(),
        TokenSet::new("a0")
            .with_refresh_token("r0")
            .with_expires_at(expires),
    )
    .with_timer(timer.clone())
    .refresh_margin(Duration::from_secs(60));

    let token = provider.access_token().await.expect("token");

    assert_eq!(token.expose(), "a1");
}

#[tokio::test]
async fn missing_refresh_token_in_response_keeps_old() {
    let grant = RotatingGrant {
        omit_refresh_token: true,
        ..RotatingGrant::default()
    };
    let provider =
        RefreshingTokenProvider::new(grant, TokenSet::new("a0").with_refresh_token("r0"));

    provider
        .refresh_rejected(&Secret::new("a0"))
        .await
        .expect("refresh");
    let tokens = provider.tokens().await;

    assert_eq!(tokens.access_token.expose(), "a1");
    assert_eq!(
        tokens.refresh_token.as_ref().map(Secret::expose),
        Some("r0")
    );
}

#[tokio::test]
async fn no_refresh_token_is_auth_error() {
    let provider = RefreshingTokenProvider::new(RotatingGrant::default(), TokenSet::new("a0"));

    let err = provider
        .refresh_rejected(&Secret::new("a0"))
        .await
        .expect_err("cannot refresh");

    assert!(matches!(err, Error::Auth(_)));
    assert!(err.to_string().contains("authorize again"));
}

#[tokio::test]
async fn expired_refresh_token_needs_reauthorization() {
    let timer = Arc::new(ManualTimer::new());
    let mut tokens = TokenSet::new("a0").with_refresh_token("r0");
    tokens.refresh_expires_at = Some(timer.now() - Duration::from_secs(1));
    let provider = RefreshingTokenProvider::new(RotatingGrant::default(), tokens).with_timer(timer);

    let err = provider
        .refresh_rejected(&Secret::new("a0"))
        .await
        .expect_err("expired");

    let Error::Auth(auth) = err else {
        panic!("expected an auth error");
    };
    assert!(auth.requires_reauthorization());
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn static_token_cannot_refresh() {
    let provider = StaticToken::new(Platform::TikTok, "act.1").expect("token");

    let err = provider
        .refresh_rejected(&Secret::new("act.1"))
        .await
        .expect_err("no refresh path");

    assert!(matches!(err, Error::Auth(_)));
    assert!(StaticToken::new(Platform::TikTok, " ").is_err());
}

#[test]
fn token_set_serializes_expiry_as_seconds() {
    let set = TokenSet::new("a")
        .with_refresh_token("r")
        .with_expires_at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));

    let json = serde_json::to_value(&set).expect("serialize");
    let back: TokenSet = serde_json::from_value(json.clone()).expect("deserialize");

    assert_eq!(json["expires_at"], 1_700_000_000u64);
    assert_eq!(back, set);
    assert!(!format!("{set:?}").contains("\"a\""));
}

#[tokio::test]
async fn failed_refresh_keeps_rejection_as_source() {
    let provider = RefreshingTokenProvider::new(RotatingGrant::default(), TokenSet::new("a0"));

    let result: Result<()> = with_token_refresh(&provider, |_| async {
        Err(
            ApiError::new(Platform::X, ErrorKind::InvalidToken, "expired")
                .with_request_id(Some("req-7".into()))
                .into(),
        )
    })
    .await;

    let err = result.expect_err("no refresh token");
    let source = std::error::Error::source(&err).expect("rejection kept");
    assert!(matches!(err, Error::Auth(_)));
    assert!(source.to_string().contains("req-7"));
}

#[test]
fn out_of_range_expiry_rejected() {
    let result = serde_json::from_str::<TokenSet>(
        r#"{"access_token":"a","expires_at":18446744073709551615}"#,
    );

    assert!(result.is_err());
}

/// A grant that fails: transiently (as a 503 would) or permanently.
#[derive(Debug, Default)]
struct FailingGrant {
    calls: AtomicUsize,
    permanent: bool,
}

#[async_trait]
impl RefreshGrant for FailingGrant {
    async fn refresh(&self, _: &Secret) -> Result<TokenSet> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if self.permanent {
            Err(AuthError::new(Platform::X, "refresh token revoked")
                .needs_reauthorization()
                .into())
        } else {
            Err(
                ApiError::new(Platform::X, ErrorKind::ServerError, "try later")
                    .with_status(StatusCode::SERVICE_UNAVAILABLE)
                    .into(),
            )
        }
    }

    fn platform(&self) -> Platform {
        Platform::X
    }
}

#[tokio::test]
async fn waiting_callers_share_failed_refresh() {
    let provider = Arc::new(RefreshingTokenProvider::new(
        FailingGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    ));
    let stale = Secret::new("a0");

    let calls = (0..10).map(|_| {
        let provider = provider.clone();
        let stale = stale.clone();
        async move { provider.refresh_rejected(&stale).await }
    });
    let results = futures_util::future::join_all(calls).await;

    assert!(results.iter().all(Result::is_err));
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn rejected_refresh_token_not_sent_again() {
    let provider = RefreshingTokenProvider::new(
        FailingGrant {
            permanent: true,
            ..FailingGrant::default()
        },
        TokenSet::new("a0").with_refresh_token("r0"),
    );

    let first = provider.refresh_rejected(&Secret::new("a0")).await;
    let second = provider.refresh_rejected(&Secret::new("a0")).await;

    assert!(first.is_err());
    let Err(Error::Auth(auth)) = second else {
        panic!("expected an auth error");
    };
    assert!(auth.requires_reauthorization());
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
}

/// A grant that takes a while, so its caller can be dropped mid-refresh.
#[derive(Debug, Default)]
struct SlowGrant {
    calls: AtomicUsize,
}

#[async_trait]
impl RefreshGrant for SlowGrant {
    async fn refresh(&self, _: &Secret) -> Result<TokenSet> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(TokenSet::new(format!("a{n}")).with_refresh_token(format!("r{n}")))
    }

    fn platform(&self) -> Platform {
        Platform::X
    }
}

#[tokio::test]
async fn dropped_caller_keeps_rotated_token() {
    let saved = Arc::new(Mutex::new(Vec::new()));
    let slot = saved.clone();
    let provider = RefreshingTokenProvider::new(
        SlowGrant::default(),
        TokenSet::new("a0").with_refresh_token("r0"),
    )
    .on_refresh(move |set| {
        slot.lock()
            .expect("lock")
            .push(set.refresh_token.as_ref().map(|t| t.expose().to_owned()));
    });

    let cancelled = tokio::time::timeout(
        Duration::from_millis(5),
        provider.refresh_rejected(&Secret::new("a0")),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let after = provider
        .refresh_rejected(&Secret::new("a0"))
        .await
        .expect("already refreshed");

    assert!(
        cancelled.is_err(),
        "the caller gave up before the refresh finished"
    );
    assert_eq!(after.expose(), "a1");
    assert_eq!(*saved.lock().expect("lock"), vec![Some("r1".to_owned())]);
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
}

/// A grant whose tokens live 10 s, shorter than the 60 s refresh margin.
#[derive(Debug)]
struct ShortLivedGrant {
    calls: AtomicUsize,
    timer: Arc<ManualTimer>,
}

#[async_trait]
impl RefreshGrant for ShortLivedGrant {
    async fn refresh(&self, _: &Secret) -> Result<TokenSet> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let expires = self.timer.now() + Duration::from_secs(10);
        Ok(TokenSet::new(format!("a{n}"))
            .with_refresh_token(format!("r{n}"))
            .with_expires_at(expires))
    }

    fn platform(&self) -> Platform {
        Platform::TikTok
    }
}

#[tokio::test]
async fn short_lived_token_not_refreshed_every_call() {
    let timer = Arc::new(ManualTimer::new());
    let expires = timer.now() + Duration::from_secs(10);
    let grant = ShortLivedGrant {
        calls: AtomicUsize::new(0),
        timer: timer.clone(),
    };
    let provider = RefreshingTokenProvider::new(
        grant,
        TokenSet::new("a0")
            .with_refresh_token("r0")
            .with_expires_at(expires),
    )
    .with_timer(timer.clone());

    for _ in 0..5 {
        provider.access_token().await.expect("token");
        timer.advance(Duration::from_secs(5));
    }

    // Refreshed at t=0 (expiring), and again at t=60 s at the earliest.
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 1);
    timer.advance(Duration::from_secs(60));
    provider.access_token().await.expect("token");
    assert_eq!(provider.grant().calls.load(Ordering::SeqCst), 2);
}
