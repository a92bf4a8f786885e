/// Deterministic generator of the synthetic sample archive (DESIGN.md §2).
enum SampleArchiveModule {}
