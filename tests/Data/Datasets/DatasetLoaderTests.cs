using System.Text;
using Pipeline.Data.Datasets;
using Pipeline.Data.Problems;

namespace Pipeline.Tests.Data.Datasets;

public sealed class DatasetLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-datasets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content, bool bom = false)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(bom));
        return path;
    }

    [Fact]
    public void LoadsDefaultFields()
    {
        var path = Write("math.jsonl", """
            {"id": "a", "prompt": "1+1?", "answer": 2, "difficulty": 1.5, "hints": ["add", "1 and 1"], "solution": "<think>1+1</think><answer>2</answer>", "metadata": {"source": "x", "level": 3}, "verifier": "math"}

            {"prompt": "2+2?", "answer": "4", "task": "arith", "hints": "just add"}
            """);
        var ds = DatasetLoader.LoadJsonl(path);
        Assert.Equal(2, ds.Problems.Count);
        var a = ds.Problems[0];
        Assert.Equal("a", a.Id);
        Assert.Equal("2", a.Answer);
        Assert.Equal(1.5, a.Difficulty);
        Assert.Equal("math", a.Task);
        Assert.Equal(new[] { "add", "1 and 1" }, a.Hints);
        Assert.NotNull(a.Solution);
        Assert.Equal("x", a.Metadata["source"]);
        Assert.Equal("3", a.Metadata["level"]);
        Assert.Equal("math", a.Metadata[Problem.VerifierKey]);
        var b = ds.Problems[1];
        Assert.StartsWith("row-", b.Id);
        Assert.Equal("arith", b.Task);
        Assert.Equal(new[] { "just add" }, b.Hints);
        Assert.Equal("loaded 2 of 2 rows", ds.Report.ToString()[(path.Length + 2)..]);
    }

    [Fact]
    public void MapsOtherFieldNamesNestedPathsAndChatPrompts()
    {
        var path = Write("gsm.jsonl",
            "{\"question\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"What is 6*7?\"}], " +
            "\"reward_model\": {\"ground_truth\": \"42\"}, \"uid\": 17}\r\n");
        var options = new DatasetLoadOptions
        {
            Fields = new DatasetFieldMap { Prompt = "question", Answer = "reward_model.ground_truth", Id = "uid", DefaultTask = "gsm8k" },
        };
        var p = Assert.Single(DatasetLoader.LoadJsonl(path, options).Problems);
        Assert.Equal("What is 6*7?", p.Prompt);
        Assert.Equal("42", p.Answer);
        Assert.Equal("17", p.Id);
        Assert.Equal("gsm8k", p.Task);
    }

    [Theory]
    [InlineData("{\"prompt\": \"q\"}", "line 2, field 'answer': missing or null")]
    [InlineData("{\"prompt\": \"q\", \"answer\": null}", "line 2, field 'answer': missing or null")]
    [InlineData("{\"prompt\": \"  \", \"answer\": 1}", "line 2, field 'prompt': empty")]
    [InlineData("{\"prompt\": [1], \"answer\": 1}", "line 2, field 'prompt': a message list without a user message")]
    [InlineData("{\"prompt\": {\"a\": 1}, \"answer\": 1}", "line 2, field 'prompt': expected a string or number, found an object")]
    [InlineData("{\"prompt\": \"q\", \"answer\": true}", "line 2, field 'answer': expected a string or number, found a boolean")]
    [InlineData("{\"prompt\": \"q\", \"answer\": 1, \"difficulty\": \"hard\"}", "line 2, field 'difficulty': expected a number, found a string")]
    [InlineData("{\"prompt\": \"q\", \"answer\": 1, \"hints\": [1, 2]}", "line 2, field 'hints': expected a string or a list of strings, found a list")]
    [InlineData("{\"prompt\": \"q\", \"answer\": 1, \"metadata\": 5}", "line 2, field 'metadata': expected an object, found a number")]
    [InlineData("{\"prompt\": \"q\", \"answer\": 1, \"id\": [1]}", "line 2, field 'id': expected a string or number, found a list")]
    [InlineData("{\"prompt\": \"q\", \"answer\": 1", "line 2: invalid JSON")]
    [InlineData("[1, 2]", "line 2: expected a JSON object, found Array")]
    [InlineData("{\"id\": \"a\", \"prompt\": \"other\", \"answer\": 1}", "line 2, field 'id': duplicate id 'a' (first at line 1)")]
    public void BadRowNamesFileLineAndField(string secondLine, string expected)
    {
        var path = Write("bad.jsonl", "{\"id\": \"a\", \"prompt\": \"p\", \"answer\": 1}\n" + secondLine + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path));
        Assert.StartsWith(path + " " + expected, e.Message);
        Assert.Contains("skip_bad_rows", e.Message);
        Assert.Equal(2, e.Error.Number);
    }

    [Fact]
    public void SkipBadRowsCountsAndReportsReasons()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 10; i++)
            lines.AppendLine(i % 3 == 0 ? "{not json" : $"{{\"prompt\": \"q{i}\", \"answer\": {i}}}");
        var path = Write("mixed.jsonl", lines.ToString());
        var ds = DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { SkipBadRows = true, MaxReportedErrors = 2 });
        Assert.Equal(6, ds.Problems.Count);
        Assert.Equal(10, ds.Report.RowsRead);
        Assert.Equal(4, ds.Report.BadRows);
        Assert.Equal(new long[] { 1, 4 }, ds.Report.Errors.Select(e => e.Number));
        Assert.Contains("skipped 4 bad rows (first 2 listed)", ds.Report.ToString());
        Assert.Contains("line 4: invalid JSON", ds.Report.ToString());
    }

    [Fact]
    public void OverlongLineIsABadRowAndReadingGoesOn()
    {
        var path = Write("long.jsonl", "{\"prompt\": \"" + new string('x', 5000) + "\", \"answer\": 1}\n{\"prompt\": \"ok\", \"answer\": 2}\n", bom: true);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { MaxLineChars = 1000 }));
        Assert.Contains("line 1: line longer than 1000 chars", e.Message);
        var ds = DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { MaxLineChars = 1000, SkipBadRows = true });
        Assert.Equal("ok", Assert.Single(ds.Problems).Prompt);
    }

    [Fact]
    public void DeepJsonIsABadRow()
    {
        var path = Write("deep.jsonl", "{\"prompt\": \"q\", \"answer\": 1, \"x\": " + new string('[', 500) + new string(']', 500) + "}\n");
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path));
        Assert.Contains("line 1: invalid JSON", e.Message);
    }

    [Fact]
    public void MaxRowsStopsEarly()
    {
        var path = Write("many.jsonl", string.Concat(Enumerable.Range(0, 50).Select(i => $"{{\"prompt\": \"q{i}\", \"answer\": {i}}}\n")));
        Assert.Equal(5, DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { MaxRows = 5 }).Problems.Count);
    }

    private static Dataset Numbered(IEnumerable<int> ids) =>
        DatasetLoader.Load(new ListSource(ids.Select(i => new Dictionary<string, object?> { ["id"] = $"p{i}", ["prompt"] = "q", ["answer"] = (long)i }).ToList()));

    [Fact]
    public void ShuffleIsSeededAndIndependentOfRowOrder()
    {
        var forward = Numbered(Enumerable.Range(0, 200));
        var backward = Numbered(Enumerable.Range(0, 200).Reverse());
        var a = forward.Shuffled(3).Select(p => p.Id).ToArray();
        Assert.Equal(a, backward.Shuffled(3).Select(p => p.Id));
        Assert.NotEqual(a, forward.Shuffled(4).Select(p => p.Id));
        Assert.NotEqual(a, forward.Problems.Select(p => p.Id));
        Assert.Equal(forward.Problems.Select(p => p.Id).Order(), a.Order());
    }

    [Fact]
    public void SplitIsADisjointCoverByIdHash()
    {
        var ds = Numbered(Enumerable.Range(0, 1000));
        var train = ds.Split(ProblemSplit.Train, 0.2);
        var held = ds.Split(ProblemSplit.HeldOut, 0.2);
        Assert.Equal(1000, train.Count + held.Count);
        Assert.Empty(train.Select(p => p.Id).Intersect(held.Select(p => p.Id)));
        Assert.InRange(held.Count, 150, 250);
        Assert.Equal(held.Select(p => p.Id), Numbered(Enumerable.Range(0, 1000).Reverse()).Split(ProblemSplit.HeldOut, 0.2).Select(p => p.Id).Reverse());
    }

    [Fact]
    public void OtherSourcesReportRows()
    {
        var source = new ListSource([new Dictionary<string, object?> { ["prompt"] = "q", ["answer"] = 1L }, new Dictionary<string, object?> { ["prompt"] = "q" }]);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(source));
        Assert.StartsWith("memory.parquet row 2, field 'answer': missing or null", e.Message);
    }

    [Fact]
    public void MissingFileIsAClearError() =>
        Assert.Contains("nope.jsonl", Assert.Throws<FileNotFoundException>(() => DatasetLoader.LoadJsonl(Path.Combine(_dir, "nope.jsonl"))).Message);

    private sealed class ListSource(IReadOnlyList<Dictionary<string, object?>> rows) : IRowSource
    {
        public string Name => "memory.parquet";
        public string Unit => "row";

        public IEnumerable<SourceRow> ReadRows(CancellationToken cancellationToken = default) =>
            rows.Select((r, i) => new SourceRow(i + 1, r));
    }
}
