// Z3 sessions suspend garbage collection process-wide (see Z3Native.Run); tests that allocate heavily
// in parallel would end that suspension, so this assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
