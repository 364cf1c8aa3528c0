use std::time::Duration;

use futures_util::TryStreamExt;
use proptest::prelude::*;

use super::*;

#[test]
fn fixed_plan_last_chunk_shorter() {
    let plan = ChunkPlan::fixed(10, 4).expect("plan");

    let chunks: Vec<(u64, u64)> = plan.chunks().map(|c| (c.start, c.len)).collect();

    assert_eq!(chunks, vec![(0, 4), (4, 4), (8, 2)]);
    assert_eq!(
        plan.chunk(2).expect("last").content_range(10),
        "bytes 8-9/10"
    );
}

#[test]
fn floor_plan_matches_tiktok_example() {
    // 50 000 123 bytes in chunks of 10 000 000: five chunks, the last one
    // carrying the trailing 123 bytes.
    let plan = ChunkPlan::floor(50_000_123, 10_000_000).expect("plan");

    let last = plan.chunk(4).expect("last chunk");

    assert_eq!(plan.count(), 5);
    assert_eq!(last.start, 40_000_000);
    assert_eq!(last.len, 10_000_123);
    assert_eq!(
        last.content_range(plan.total()),
        "bytes 40000000-50000122/50000123"
    );
}

#[test]
fn floor_plan_small_file_single_chunk() {
    let plan = ChunkPlan::floor(3_000_000, 10_000_000).expect("plan");

    assert_eq!(plan.count(), 1);
    assert_eq!(plan.chunk_size(), 3_000_000);
    assert_eq!(plan.chunk(0).expect("chunk").len, 3_000_000);
}

#[test]
fn zero_chunk_size_rejected() {
    assert!(ChunkPlan::fixed(10, 0).is_err());
    assert!(ChunkPlan::floor(10, 0).is_err());
}

#[test]
fn chunk_containing_offset() {
    let plan = ChunkPlan::fixed(10, 4).expect("plan");

    assert_eq!(plan.chunk_containing(5).map(|c| c.index), Some(1));
    assert_eq!(plan.chunk_containing(9).map(|c| c.index), Some(2));
    assert_eq!(plan.chunk_containing(10), None);
}

proptest! {
    #[test]
    fn fixed_plan_covers_file_once(total in 1u64..10_000_000, chunk in 1u64..3_000_000) {
        let plan = ChunkPlan::fixed(total, chunk).expect("plan");
        let mut next = 0;
        for c in plan.chunks() {
            prop_assert_eq!(c.start, next);
            prop_assert!(c.len > 0 && c.len <= chunk);
            next = c.end();
        }
        prop_assert_eq!(next, total);
    }

    #[test]
    fn floor_plan_covers_file_once(total in 1u64..10_000_000, chunk in 1u64..3_000_000) {
        let plan = ChunkPlan::floor(total, chunk).expect("plan");
        let mut next = 0;
        for c in plan.chunks() {
            prop_assert_eq!(c.start, next);
            next = c.end();
        }
        prop_assert_eq!(next, total);
        prop_assert_eq!(plan.count(), (total / chunk).max(1));
        prop_assert!(plan.largest_chunk() < 2 * chunk.max(plan.chunk_size()));
    }
}

async fn read_all(path: PathBuf, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    let pieces: Vec<Bytes> = file_slice_stream(path, offset, len).try_collect().await?;
    Ok(pieces.concat())
}

#[tokio::test]
async fn slice_stream_reads_exact_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data.bin");
    let data: Vec<u8> = (0..400_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).expect("write");

    let slice = read_all(path, 123_456, 200_000).await.expect("read");

    assert_eq!(slice, data[123_456..323_456]);
}

#[tokio::test]
async fn slice_stream_reopens_for_each_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data.bin");
    std::fs::write(&path, b"first version").expect("write");
    let first = read_all(path.clone(), 0, 5).await.expect("read");

    std::fs::write(&path, b"other version").expect("rewrite");
    let second = read_all(path, 0, 5).await.expect("read");

    assert_eq!(first, b"first");
    assert_eq!(second, b"other");
}

#[tokio::test]
async fn slice_stream_fails_when_file_shrank() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data.bin");
    std::fs::write(&path, b"short").expect("write");

    let err = read_all(path, 2, 10).await.expect_err("file too short");

    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
}

#[test]
fn bytes_slice_body_range_checked() {
    let source = MediaSource::bytes(vec![0u8; 10], None);

    assert!(slice_body(&source, 5, 5).is_ok());
    assert!(slice_body(&source, 6, 5).is_err());
    assert!(slice_body(&source, u64::MAX, 2).is_err());
}

#[tokio::test]
async fn file_identity_reads_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.mp4");
    std::fs::write(&path, b"12345").expect("write");

    let identity = FileIdentity::read(&path).await.expect("identity");

    assert_eq!(identity.len, 5);
    assert!(identity.modified_unix_nanos.is_some());
}

#[test]
fn poll_interval_prefers_hint_with_cap() {
    let settings = PollSettings {
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
    };

    assert_eq!(settings.interval(1, None), Duration::from_secs(1));
    assert_eq!(settings.interval(3, None), Duration::from_secs(4));
    assert_eq!(settings.interval(9, None), Duration::from_secs(10));
    assert_eq!(
        settings.interval(1, Some(Duration::from_secs(5))),
        Duration::from_secs(5)
    );
    assert_eq!(
        settings.interval(1, Some(Duration::from_secs(500))),
        Duration::from_secs(10)
    );
}

#[test]
fn progress_fraction() {
    assert_eq!(
        UploadProgress {
            uploaded: 5,
            total: 10
        }
        .fraction(),
        0.5
    );
    assert_eq!(
        UploadProgress {
            uploaded: 0,
            total: 0
        }
        .fraction(),
        1.0
    );
}

#[test]
fn poll_hint_under_a_second_ignored() {
    let settings = PollSettings {
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
    };

    assert_eq!(
        settings.interval(1, Some(Duration::ZERO)),
        Duration::from_secs(1)
    );
    assert_eq!(
        settings.interval(4, Some(Duration::ZERO)),
        Duration::from_secs(8)
    );
    assert_eq!(
        settings.interval(4, Some(Duration::from_millis(500))),
        Duration::from_secs(8)
    );
}

#[tokio::test]
async fn changed_file_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.mp4");
    std::fs::write(&path, b"12345").expect("write");
    let identity = FileIdentity::read(&path).await.expect("identity");

    let unchanged = identity.ensure_unchanged().await;
    std::fs::write(&path, b"123").expect("shrink");
    let changed = identity.ensure_unchanged().await;

    assert!(unchanged.is_ok());
    let err = changed.expect_err("shrunk");
    assert!(matches!(err, Error::Io(_)));
    let cause = std::error::Error::source(&err).expect("cause");
    assert!(cause.to_string().contains("changed during the upload"));
}
