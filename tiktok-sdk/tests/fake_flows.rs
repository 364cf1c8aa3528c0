//! End-to-end flows against the crate's own fake, the same flows the demo runs.

#[path = "support/harness.rs"]
mod harness;

use std::sync::{Arc, Mutex};

use social_core::{MediaSource, ProgressCallback};
use tiktok_sdk::testing::FakeTikTok;
use tiktok_sdk::{PostInfo, PostStatus, PrivacyLevel};

#[tokio::test]
async fn direct_post_several_chunks_with_5xx() {
    let fake = FakeTikTok::builder()
        .fail_chunk(1, 503, 1)
        .processing_polls(2)
        .start()
        .await;
    let timer = harness::timer();
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(timer.clone())
        .build()
        .expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", 22_000_000);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        ProgressCallback::new(move |p| seen.lock().expect("lock").push(p.uploaded))
    };

    let outcome = client
        .direct_post(
            MediaSource::file(&video),
            PostInfo::new(PrivacyLevel::SelfOnly).title("chunks"),
        )
        .chunk_size(5_242_880)
        .progress(progress)
        .send()
        .await
        .expect("posted");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
    assert_eq!(outcome.post_id(), None);
    let received = fake
        .received_bytes(&outcome.publish_id)
        .expect("known post");
    assert_eq!(received, std::fs::read(&video).expect("read"));
    let counts = fake.counts();
    assert_eq!(counts.init, 1);
    assert_eq!(
        counts.chunk_puts, 5,
        "4 chunks and one repeat after the 503"
    );
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![5_242_880, 10_485_760, 15_728_640, 22_000_000]
    );
}

#[tokio::test]
async fn inbox_upload_of_sample_mp4() {
    let fake = FakeTikTok::start().await;
    let timer = harness::timer();
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(timer)
        .build()
        .expect("client");

    let outcome = client
        .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
        .send()
        .await
        .expect("uploaded");

    assert_eq!(outcome.status, PostStatus::SendToUserInbox);
    assert!(outcome.publish_id.starts_with("v_inbox_file~"));
    assert_eq!(fake.counts().chunk_puts, 1);
}
