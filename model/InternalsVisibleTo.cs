using System.Runtime.CompilerServices;

// Tests check the fused native scorer's packing (NativeScorer's packed token count) directly.
[assembly: InternalsVisibleTo("Pipeline.Tests")]
