//! Property tests of the chunk planner against TikTok's rules.

use proptest::prelude::*;
use social_core::{ChunkPlan, Error};
use tiktok_sdk::chunk::{
    MAX_CHUNK_COUNT, MAX_CHUNK_SIZE, MAX_LAST_CHUNK_SIZE, MIN_CHUNK_SIZE, plan_chunks,
    validate_plan,
};

/// The first size 1000 chunks of at most 64 000 000 bytes cannot hold.
const TOO_LARGE: u64 = (MAX_CHUNK_COUNT + 1) * MAX_CHUNK_SIZE;

fn field(err: &Error) -> Option<&str> {
    match err {
        Error::InvalidInput(input) => Some(input.field()),
        _ => None,
    }
}

/// Checks every rule on `plan`, returning a description of the first broken one.
fn check_rules(plan: &ChunkPlan, size: u64) -> Result<(), String> {
    let chunks: Vec<_> = plan.chunks().collect();
    let count = chunks.len() as u64;
    if count != plan.count() || !(1..=MAX_CHUNK_COUNT).contains(&count) {
        return Err(format!("{count} chunks"));
    }
    if count != (size / plan.chunk_size()).max(1) {
        return Err(format!(
            "count {count} is not floor({size} / {})",
            plan.chunk_size()
        ));
    }

    let mut next = 0;
    for chunk in &chunks {
        if chunk.start != next || chunk.len == 0 {
            return Err(format!(
                "chunk {} starts at {} instead of {next}",
                chunk.index, chunk.start
            ));
        }
        next = chunk.end();
    }
    if next != size {
        return Err(format!("chunks end at {next} of {size}"));
    }

    let (last, rest) = chunks.split_last().ok_or("no chunks")?;
    for chunk in rest {
        if chunk.len != plan.chunk_size() || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk.len)
        {
            return Err(format!("chunk {} has {} bytes", chunk.index, chunk.len));
        }
    }
    if last.len > MAX_LAST_CHUNK_SIZE {
        return Err(format!("last chunk has {} bytes", last.len));
    }

    if count == 1 && (size > MAX_CHUNK_SIZE || plan.chunk_size() != size) {
        return Err(format!(
            "one chunk of {size} bytes with chunk_size {}",
            plan.chunk_size()
        ));
    }
    if size < MIN_CHUNK_SIZE && count != 1 {
        return Err("a file under 5 MiB must go up whole".to_owned());
    }
    Ok(())
}

fn sizes() -> impl Strategy<Value = u64> {
    prop_oneof![
        1..2 * MIN_CHUNK_SIZE,
        MIN_CHUNK_SIZE..3 * MAX_CHUNK_SIZE,
        3 * MAX_CHUNK_SIZE..5_000_000_000u64,
        60_000_000_000u64..TOO_LARGE + 1_000_000,
    ]
}

proptest! {
    #[test]
    fn plan_covers_file_once_within_bounds(size in sizes(), preferred in MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE) {
        match plan_chunks(size, preferred) {
            Ok(plan) => {
                prop_assert_eq!(plan.total(), size);
                prop_assert_eq!(check_rules(&plan, size), Ok(()));
                prop_assert!(validate_plan(&plan).is_ok());
            }
            Err(err) => {
                prop_assert_eq!(field(&err), Some("video_size"));
                prop_assert!(size >= TOO_LARGE, "{} rejected: {}", size, err);
            }
        }
    }

    #[test]
    fn preferred_size_kept_when_valid(size in MIN_CHUNK_SIZE..5_000_000_000u64, preferred in MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE) {
        let count = size / preferred;
        prop_assume!((2..=MAX_CHUNK_COUNT).contains(&count));

        let plan = plan_chunks(size, preferred).expect("valid plan");

        prop_assert_eq!(plan.chunk_size(), preferred);
        prop_assert_eq!(plan.count(), count);
    }

    #[test]
    fn preferred_out_of_bounds_rejected(size in 1u64..10_000_000_000, preferred in prop_oneof![0..MIN_CHUNK_SIZE, MAX_CHUNK_SIZE + 1..u64::MAX]) {
        let err = plan_chunks(size, preferred).expect_err("out of bounds");

        prop_assert_eq!(field(&err), Some("chunk_size"));
    }

    #[test]
    fn validate_agrees_with_rules(size in 1u64..2_000_000_000, chunk_size in 1u64..200_000_000) {
        let plan = ChunkPlan::floor(size, chunk_size).expect("plan");

        let verdict = validate_plan(&plan);
        let rules = check_rules(&plan, size);

        // A one-chunk plan whose chunk_size differs from the size is valid
        // for TikTok when chunk_size itself is in bounds. The strict rules
        // above describe only what plan_chunks produces.
        let one_chunk_in_bounds = plan.count() == 1
            && (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&size)
            && (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&plan.chunk_size());
        prop_assert_eq!(verdict.is_ok(), rules.is_ok() || one_chunk_in_bounds, "{:?} / {:?}", verdict, rules);
    }
}

#[test]
fn worked_example_from_guide() {
    let plan = plan_chunks(50_000_123, 10_000_000).expect("plan");

    let chunks: Vec<_> = plan.chunks().map(|c| (c.start, c.last_byte())).collect();

    assert_eq!(
        chunks,
        vec![
            (0, 9_999_999),
            (10_000_000, 19_999_999),
            (20_000_000, 29_999_999),
            (30_000_000, 39_999_999),
            (40_000_000, 50_000_122),
        ]
    );
}

#[test]
fn boundary_sizes() {
    let cases = [
        // (size, preferred, expected count, expected chunk size)
        (MIN_CHUNK_SIZE - 1, 10_000_000, 1, MIN_CHUNK_SIZE - 1),
        (MIN_CHUNK_SIZE, 10_000_000, 1, MIN_CHUNK_SIZE),
        (MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, 12, MIN_CHUNK_SIZE),
        (MAX_CHUNK_SIZE, MAX_CHUNK_SIZE, 1, MAX_CHUNK_SIZE),
        (MAX_CHUNK_SIZE + 1, MAX_CHUNK_SIZE, 2, 32_000_000),
        (127_999_999, MAX_CHUNK_SIZE, 2, 63_999_999),
        (TOO_LARGE - 1, MAX_CHUNK_SIZE, 1000, MAX_CHUNK_SIZE),
        (10_000_000_000, MIN_CHUNK_SIZE, 1000, 9_990_010),
    ];
    for (size, preferred, count, chunk_size) in cases {
        let plan = plan_chunks(size, preferred).unwrap_or_else(|e| panic!("{size}: {e}"));

        assert_eq!(
            (plan.count(), plan.chunk_size()),
            (count, chunk_size),
            "{size} / {preferred}"
        );
        assert_eq!(check_rules(&plan, size), Ok(()), "{size}");
    }
}

#[test]
fn empty_and_huge_files_rejected() {
    let empty = plan_chunks(0, MIN_CHUNK_SIZE).expect_err("empty");
    let huge = plan_chunks(TOO_LARGE, MAX_CHUNK_SIZE).expect_err("too large");

    assert_eq!(field(&empty), Some("video_size"));
    assert_eq!(field(&huge), Some("video_size"));
}
