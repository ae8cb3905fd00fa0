using System.Runtime.CompilerServices;

// Tests check encoders and the Thrift layer against known byte vectors; benchmarks time them alone.
[assembly: InternalsVisibleTo("Pipeline.Tests")]
[assembly: InternalsVisibleTo("Pipeline.Bench")]
