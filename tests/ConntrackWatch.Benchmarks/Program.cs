using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ConntrackWatch.Benchmarks.SyntheticTable).Assembly).Run(args);
