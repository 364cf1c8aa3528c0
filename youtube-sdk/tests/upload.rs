//! The resumable upload against the fake: dropped connections, 5xx, 308
//! without `Range`, expired sessions and tokens, restarts.

#[path = "support/helpers.rs"]
mod support;

use std::sync::{Arc, Mutex};

use social_core::{Error, ErrorKind, ProgressCallback, TokenSet};
use support::{GRANULE, KIB, MIB, fake_builder, timer, video_file};
use youtube_sdk::testing::{FakeYouTube, Fault, LoggedRequest, REFRESH_TOKEN, digest_file};
use youtube_sdk::{PrivacyStatus, UploadSession, VideoMetadata};

fn metadata() -> VideoMetadata {
    VideoMetadata::new("Fault test").made_for_kids(false)
}

fn session_requests(fake: &FakeYouTube) -> Vec<LoggedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.session.is_some())
        .collect()
}

/// Asserts that the fake stored exactly the file's bytes.
fn assert_same_bytes(fake: &FakeYouTube, video_id: &str, path: &std::path::Path) {
    let video = fake.video(video_id).expect("video stored");
    let len = std::fs::metadata(path).expect("metadata").len();
    assert_eq!(video.bytes, len);
    assert_eq!(video.digest, digest_file(path).expect("digest"));
}

#[tokio::test]
async fn upload_without_faults_sends_granule_chunks() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(3 * GRANULE + 1000);
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .on_progress(ProgressCallback::new(move |p| {
            seen.lock().expect("lock").push(p.uploaded)
        }))
        .send()
        .await
        .expect("upload");

    let chunks: Vec<_> = session_requests(&fake)
        .iter()
        .filter_map(LoggedRequest::chunk_start)
        .collect();
    assert_eq!(chunks, vec![0, GRANULE, 2 * GRANULE, 3 * GRANULE]);
    assert_eq!(video.stats().status_queries, 0);
    assert_eq!(fake.sessions_started(), 1);
    assert_eq!(
        *progress.lock().expect("lock").last().expect("progress"),
        3 * GRANULE + 1000
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    assert_same_bytes(&fake, video.id(), &path);
}

/// A chunk's connection is reset and the status query gets 308 without
/// `Range`, so the client resends from byte 0 in the same session.
#[tokio::test]
async fn reset_chunk_then_308_without_range_resends_from_zero() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(3 * GRANULE + 1000);
    fake.inject(Fault::DropChunk {
        chunk: 2,
        keep_bytes: 0,
    });
    fake.inject(Fault::ForgetOnStatusQuery);
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect("upload");

    let log = session_requests(&fake);
    let query = log
        .iter()
        .position(LoggedRequest::is_status_query)
        .expect("a status query");
    assert_eq!(
        log[query - 1].status,
        0,
        "the dropped chunk precedes the query"
    );
    assert_eq!(log[query].status, 308);
    assert_eq!(log[query + 1].chunk_start(), Some(0), "resent from byte 0");
    let sessions: std::collections::HashSet<_> =
        log.iter().filter_map(|r| r.session.clone()).collect();
    assert_eq!(sessions.len(), 1, "the session is not recreated");
    assert_eq!(fake.sessions_started(), 1);
    assert!(video.id().starts_with("fakeVideo"));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    assert_same_bytes(&fake, video.id(), &path);
}

/// The connection breaks mid-chunk after the server kept part of it, so
/// the next PUT starts right after what the server kept.
#[tokio::test]
async fn dropped_chunk_resumes_inside_the_chunk() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(1_200_000);
    fake.inject(Fault::DropChunk {
        chunk: 2,
        keep_bytes: GRANULE,
    });
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(2 * GRANULE)
        .send()
        .await
        .expect("upload");

    let log = session_requests(&fake);
    let query = log
        .iter()
        .position(LoggedRequest::is_status_query)
        .expect("a status query");
    assert_eq!(log[query + 1].chunk_start(), Some(3 * GRANULE));
    assert!(
        fake.violations().is_empty(),
        "no PUT past the server's offset: {:?}",
        fake.violations()
    );
    assert_eq!(video.stats().retries, 1);
    assert_same_bytes(&fake, video.id(), &path);
}

/// After a failed chunk the status query gets 404, so a new session starts
/// from byte 0.
#[tokio::test]
async fn expired_session_on_status_query_starts_new_session() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(1_200_000);
    fake.inject(Fault::FailChunk {
        chunk: 2,
        status: 503,
        reason: "backendError",
        keep_bytes: 0,
    });
    fake.inject(Fault::ExpireSessionOnStatusQuery);
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(2 * GRANULE)
        .send()
        .await
        .expect("upload");

    let log = fake.requests();
    let starts = log.iter().filter(|r| r.is_session_start()).count();
    let second_start = log
        .iter()
        .rposition(LoggedRequest::is_session_start)
        .expect("second start");
    assert_eq!(starts, 2);
    assert_eq!(fake.sessions_started(), 2);
    assert_eq!(video.stats().sessions_started, 2);
    assert_eq!(log[second_start + 1].chunk_start(), Some(0));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn upload_session_expired_mid_chunk_restarts() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(4 * GRANULE);
    fake.inject(Fault::ExpireSessionAtChunk { chunk: 3 });
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect("upload");

    assert_eq!(fake.sessions_started(), 2);
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn upload_session_restarts_are_bounded() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(4 * GRANULE);
    for chunk in [2, 4, 6] {
        fake.inject(Fault::ExpireSessionAtChunk { chunk });
    }
    let client = fake_builder(&fake, &timer())
        .max_session_restarts(2)
        .build()
        .expect("client");

    let error = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect_err("gives up");

    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(fake.sessions_started(), 3);
}

#[tokio::test]
async fn partial_commit_is_resent_from_server_offset() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(2 * MIB);
    fake.inject(Fault::PartialChunk {
        chunk: 1,
        keep_bytes: 3 * GRANULE,
    });
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(MIB)
        .send()
        .await
        .expect("upload");

    let chunks: Vec<_> = session_requests(&fake)
        .iter()
        .filter_map(LoggedRequest::chunk_start)
        .collect();
    assert_eq!(chunks, vec![0, 3 * GRANULE, 3 * GRANULE + MIB]);
    assert_eq!(video.stats().status_queries, 0);
    assert_same_bytes(&fake, video.id(), &path);
}

/// A 401 `authError` halfway through a 100 MiB upload leads to one refresh,
/// a status query on the same session, and the rest of the upload. The
/// token response has no refresh token, so the old one is kept.
#[tokio::test]
async fn expired_token_mid_upload_refreshes_once_and_continues() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(100 * MIB);
    fake.inject(Fault::ExpireTokenAtChunk { chunk: 7 });
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let client = fake_builder(&fake, &timer())
        .on_token_refresh(move |tokens| sink.lock().expect("lock").push(tokens.clone()))
        .build()
        .expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .send()
        .await
        .expect("upload");

    let log = fake.requests();
    let rejected = log.iter().position(|r| r.status == 401).expect("a 401");
    assert_eq!(log[rejected + 1].path, "/token");
    assert!(log[rejected + 2].is_status_query());
    assert_eq!(log[rejected + 2].session, log[rejected].session);
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(fake.sessions_started(), 1);
    assert_eq!(video.stats().token_refreshes, 1);
    let saved = saved.lock().expect("lock");
    assert_eq!(saved.len(), 1);
    assert_eq!(
        saved[0].refresh_token.as_ref().map(|t| t.expose()),
        Some(REFRESH_TOKEN)
    );
    assert_eq!(saved[0].access_token.expose(), "fake-access-2");
    assert_same_bytes(&fake, video.id(), &path);
}

/// The refresh gets `invalid_grant`, so the upload fails with an `Auth`
/// error that asks for re-consent. Its session is kept and resumes later.
#[tokio::test]
async fn revoked_refresh_token_keeps_session_for_resume() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(4 * GRANULE + 10);
    fake.inject(Fault::ExpireTokenAtChunk { chunk: 3 });
    fake.inject(Fault::RevokeRefreshToken);
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let mut upload = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .begin()
        .await
        .expect("begin");

    let error = upload.finish().await.expect_err("refresh fails");

    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error}")
    };
    assert!(auth.requires_reauthorization());
    assert!(error.to_string().contains("re-consent"), "{error}");
    assert_eq!(fake.token_requests(), 1, "no refresh loop");
    assert_eq!(upload.session().offset(), 2 * GRANULE);
    let saved = upload.session().to_json();

    fake.clear_faults();
    let restored = UploadSession::from_json(&saved).expect("session");
    let fresh = fake_builder(&fake, &timer()).build().expect("client");
    let video = fresh
        .resume_upload(restored)
        .await
        .expect("resume")
        .finish()
        .await
        .expect("finish");

    assert_eq!(fake.sessions_started(), 1);
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn backend_error_on_chunk_queries_status_then_resumes() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(3 * GRANULE);
    fake.inject(Fault::FailChunk {
        chunk: 2,
        status: 503,
        reason: "backendError",
        keep_bytes: 0,
    });
    let clock = timer();
    let client = fake_builder(&fake, &clock).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect("upload");

    let log = session_requests(&fake);
    let failed = log.iter().position(|r| r.status == 503).expect("a 503");
    assert!(log[failed + 1].is_status_query());
    assert_eq!(log[failed + 2].chunk_start(), Some(GRANULE));
    assert_eq!(clock.sleeps().len(), 1, "one backoff");
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn rate_limit_exceeded_on_chunk_is_retried() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(2 * GRANULE);
    fake.inject(Fault::FailChunk {
        chunk: 1,
        status: 403,
        reason: "rateLimitExceeded",
        keep_bytes: 0,
    });
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.stats().retries, 1);
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn quota_exceeded_on_chunk_is_not_retried() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(2 * GRANULE);
    fake.inject(Fault::FailChunk {
        chunk: 1,
        status: 403,
        reason: "quotaExceeded",
        keep_bytes: 0,
    });
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let error = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect_err("quota");

    assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(session_requests(&fake).len(), 1);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_budget() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(2 * GRANULE);
    for chunk in 1..=10 {
        fake.inject(Fault::FailChunk {
            chunk,
            status: 503,
            reason: "backendError",
            keep_bytes: 0,
        });
    }
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let error = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect_err("gives up");

    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(
        session_requests(&fake)
            .iter()
            .filter(|r| r.is_chunk())
            .count(),
        6
    );
}

#[tokio::test]
async fn saved_session_resumes_after_restart() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(4 * GRANULE);
    fake.inject(Fault::FailChunk {
        chunk: 3,
        status: 400,
        reason: "badRequest",
        keep_bytes: 0,
    });
    let saved = Arc::new(Mutex::new(String::new()));
    let store = saved.clone();
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let first = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .on_session_change(move |session| *store.lock().expect("lock") = session.to_json())
        .send()
        .await;
    assert!(first.is_err(), "the 400 stops the first process");
    let json = saved.lock().expect("lock").clone();

    let session = UploadSession::from_json(&json).expect("saved session");
    let restarted = fake_builder(&fake, &timer()).build().expect("client");
    let video = restarted
        .resume_upload(session)
        .await
        .expect("resume")
        .finish()
        .await
        .expect("finish");

    let log = session_requests(&fake);
    let query = log
        .iter()
        .position(LoggedRequest::is_status_query)
        .expect("resume asks first");
    assert_eq!(log[query + 1].chunk_start(), Some(2 * GRANULE));
    assert_eq!(fake.sessions_started(), 1);
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn resume_rejects_changed_file() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(2 * GRANULE);
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let upload = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .begin()
        .await
        .expect("begin");
    let session = upload.into_session();
    std::fs::write(&path, b"different content").expect("rewrite");

    let error = client
        .resume_upload(session)
        .await
        .expect_err("changed file");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "media"),
        "{error}"
    );
}

#[tokio::test]
async fn unverified_project_shows_requested_and_effective_privacy() {
    let fake = FakeYouTube::start().await;
    fake.set_unverified_project(true);
    let (_dir, path) = video_file(GRANULE);
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata().privacy(PrivacyStatus::Public), &path)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.requested_privacy(), &PrivacyStatus::Public);
    assert_eq!(video.effective_privacy(), Some(&PrivacyStatus::Private));
    assert!(video.privacy_restricted());
    assert!(
        video
            .privacy_summary()
            .starts_with("requested public, effective private")
    );
}

#[tokio::test]
async fn real_sample_mp4_uploads_byte_exact() {
    let fake = FakeYouTube::start().await;
    let path = support::asset("sample.mp4");
    let client = fake_builder(&fake, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &path)
        .chunk_size(GRANULE)
        .send()
        .await
        .expect("upload");

    assert_eq!(
        session_requests(&fake).len(),
        3,
        "604569 bytes in three 256 KiB chunks"
    );
    assert_same_bytes(&fake, video.id(), &path);
}

#[tokio::test]
async fn invalid_inputs_send_nothing() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(GRANULE);
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let empty = tempfile::NamedTempFile::new().expect("temp");

    let cases = [
        (
            client.upload_video(VideoMetadata::new("x".repeat(101)), &path),
            "title",
        ),
        (
            client.upload_video(metadata(), &path).chunk_size(100 * KIB),
            "chunk_size",
        ),
        (
            client
                .upload_video(metadata(), &path)
                .content_type("image/png"),
            "content_type",
        ),
        (client.upload_video(metadata(), empty.path()), "media"),
        (
            client.upload_video(metadata(), support::asset("sample.jpg")),
            "content_type",
        ),
    ];
    for (insert, field) in cases {
        let error = insert.send().await.expect_err(field);

        assert!(
            matches!(&error, Error::InvalidInput(i) if i.field() == field),
            "{field}: {error}"
        );
    }
    let missing = client
        .upload_video(metadata(), "/nonexistent/clip.mp4")
        .send()
        .await;
    assert!(
        matches!(&missing, Err(Error::InvalidInput(i)) if i.field() == "media"),
        "{missing:?}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn quota_limiter_delays_upload_over_daily_bucket() {
    let fake = FakeYouTube::start().await;
    let (_dir, path) = video_file(GRANULE);
    let clock = timer();
    let limiter = youtube_sdk::quota::upload_limiter(1, clock.clone());
    let client = fake_builder(&fake, &clock)
        .quota_limiter(limiter)
        .build()
        .expect("client");

    client
        .upload_video(metadata(), &path)
        .send()
        .await
        .expect("first upload");
    client
        .upload_video(metadata(), &path)
        .send()
        .await
        .expect("second upload");

    assert_eq!(
        clock.sleeps(),
        vec![std::time::Duration::from_secs(24 * 3600)]
    );
    assert_eq!(fake.sessions_started(), 2);
}
