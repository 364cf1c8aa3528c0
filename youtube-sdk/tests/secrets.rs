//! Secrets stay out of `Debug`, `Display`, errors and logs. This test has
//! its own binary because it installs a tracing subscriber: tracing caches
//! per call site whether anyone listens, and tests running beside it on
//! other threads would race with that cache.

#[path = "support/helpers.rs"]
mod support;

use std::sync::{Arc, Mutex};

use support::{fake_builder, timer};
use youtube_sdk::Client;
use youtube_sdk::testing::{FakeYouTube, Fault};

/// Collects everything the crate logs at trace level.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_logs() {
    let logs = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let fake = FakeYouTube::start().await;
    fake.inject(Fault::FailChunk {
        chunk: 1,
        status: 503,
        reason: "backendError",
        keep_bytes: 0,
    });
    fake.inject(Fault::ExpireTokenAtChunk { chunk: 2 });
    let (_dir, file) = support::video_file(3 * support::GRANULE);
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let mut upload = client
        .upload_video(youtube_sdk::VideoMetadata::new("t"), &file)
        .chunk_size(support::GRANULE)
        .begin()
        .await
        .expect("begin");
    let session_id = upload
        .session()
        .session_uri()
        .expose()
        .query_pairs()
        .find(|(name, _)| name == "upload_id")
        .map(|(_, value)| value.into_owned())
        .expect("upload_id");
    let video = upload.finish().await.expect("upload");
    fake.inject(Fault::RevokeRefreshToken);
    fake.expire_access_tokens();
    let error = client.get_video(video.id()).await.expect_err("revoked");

    let logged = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(
        logged.contains("upload request failed"),
        "the retry was logged: {logged}"
    );
    assert!(
        logged.contains("refreshing access token"),
        "the refresh was logged: {logged}"
    );
    let printed = [
        format!("{client:?}"),
        format!("{upload:?}"),
        format!("{:?} {}", upload.session(), upload.session().session_uri()),
        format!("{error} {error:?}"),
        format!(
            "{:?}",
            Client::builder()
                .oauth_client("cid", "GOCSPX-hidden")
                .refresh_token("1//hidden")
        ),
        logged,
    ];
    for text in printed {
        for secret in [
            youtube_sdk::testing::CLIENT_SECRET,
            youtube_sdk::testing::REFRESH_TOKEN,
            "fake-access-1",
            "fake-access-2",
            session_id.as_str(),
            "GOCSPX-hidden",
            "1//hidden",
        ] {
            assert!(!text.contains(secret), "`{secret}` printed in: {text}");
        }
    }
}
