using ConntrackWatch.Tests.Support.RealKernel;

// Before the first test: undo what a killed earlier run left changed on this host.
[assembly: AssemblyFixture(typeof(LeftoverSysctls))]
