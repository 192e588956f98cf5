using BenchmarkDotNet.Running;
using RealtimeAdapters.Benchmarks.Ably;

// Run with: dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --filter '*'
// Side by side with ably-js: dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --ably-vs-js [--rounds 7]
//   [--warmup 3] [--count 10000] [--size 100] [--window 100] [--formats json,msgpack]
// Where the C# provider's CPU time goes: dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --ably-profile
//   [json|msgpack] [--rounds 5] [--window 100]
// Side by side with the official Firebase web SDK: ... -- --firebase-vs-js [--rounds 5] [--warmup 10] [--count 10000]
//   [--children 100,10000,100000] [--rtt 2000]
// Channels on Firebase beside Ably (latency, throughput, fan-out): the comparison measures them, run just those scenarios:
//   dotnet run -c Release --project samples/Comparison -- --backends Firebase,Ably --scenarios channel-latency,fan-out --out /tmp/cmp
// CRDT state size after a long history, log against snapshot: ... -- --collaboration-state [--edits 100000]
// Position key length and state size per list edit pattern: ... -- --collaboration-keys [--count 20000]
// Memory a Firebase watch keeps per cached child: ... -- --firebase-cache-memory [--children 10000] [--rounds 3]
// Firebase stream events: time per event with the GC's pauses apart: ... -- --firebase-apply-profile [--rounds 300] [--children 100,10000,100000]
//   [--floor] (also the same events into a mutable hash map: the lower bound)
if (args.Length > 0 && args[0] == "--ably-vs-js")
{
    return await AblyVsJsRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--firebase-vs-js")
{
    return await RealtimeAdapters.Benchmarks.Firebase.FirebaseVsJsRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--firebase-bench-client")
{
    // The C# side of --firebase-vs-js, in its own process (started by the runner).
    return await RealtimeAdapters.Benchmarks.Firebase.FirebaseBenchClient.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--firebase-cache-memory")
{
    return await RealtimeAdapters.Benchmarks.Firebase.FirebaseCacheMemoryRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--firebase-apply-profile")
{
    return await RealtimeAdapters.Benchmarks.Firebase.FirebaseApplyProfileRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--collaboration-state")
{
    return await RealtimeAdapters.Benchmarks.Collaboration.CollaborationStateRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--collaboration-keys")
{
    return await RealtimeAdapters.Benchmarks.Collaboration.CollaborationKeyRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--ably-profile")
{
    return await AblyProviderProfiler.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
