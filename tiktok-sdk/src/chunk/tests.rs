use super::*;

#[test]
fn worked_example_from_guide() {
    let plan = plan_chunks(50_000_123, 10_000_000).expect("plan");

    assert_eq!(plan.count(), 5);
    assert_eq!(plan.chunk_size(), 10_000_000);
    assert_eq!(plan.chunk(4).map(|c| c.len), Some(10_000_123));
}

#[test]
fn small_file_goes_whole() {
    let plan = plan_chunks(604_569, DEFAULT_CHUNK_SIZE).expect("plan");

    assert_eq!((plan.count(), plan.chunk_size()), (1, 604_569));
}

#[test]
fn file_over_limit_split_in_two() {
    let plan = plan_chunks(100_000_000, MAX_CHUNK_SIZE).expect("plan");

    assert_eq!(plan.count(), 2);
    assert_eq!(plan.chunk_size(), 50_000_000);
}

#[test]
fn hand_made_plan_rejected() {
    let ceil_like = ChunkPlan::floor(100_000_000, 64_000_000).expect("plan");
    let tiny = ChunkPlan::floor(20_000_000, 1_000_000).expect("plan");

    assert!(validate_plan(&ceil_like).is_err());
    assert!(validate_plan(&tiny).is_err());
}
