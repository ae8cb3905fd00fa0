using Pipeline.Data.Datasets;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Tests.Data.Datasets;

public sealed class ParquetRowSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-parquet-ds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteProblems(string?[] prompts)
    {
        var path = Path.Combine(_dir, "problems.parquet");
        var schema = ParquetSchema.Create(
            ParquetField.String("id"),
            ParquetField.String("question", nullable: true),
            ParquetField.Int64("answer"),
            ParquetField.Double("difficulty"),
            ParquetField.String("hints").AsList());
        using var stream = File.Create(path);
        using var writer = new ParquetFileWriter(stream, schema);
        using (var group = writer.BeginRowGroup(prompts.Length))
        {
            group.WriteString(0, prompts.Select((_, i) => (string?)$"p{i}").ToArray());
            group.WriteString(1, prompts);
            group.WriteInt64(2, prompts.Select((_, i) => (long)(i * 10)).ToArray());
            group.WriteDouble(3, prompts.Select((_, i) => i / 2.0).ToArray());
            group.WriteStringList(4, prompts.SelectMany((_, i) => new string?[] { "think", $"tier {i}" }).ToArray(), [.. Enumerable.Range(0, prompts.Length + 1).Select(i => 2 * i)]);
            group.Complete();
        }

        writer.Close();
        return path;
    }

    [Fact]
    public void LoadsProblemsWithMappedFieldsAndLists()
    {
        var path = WriteProblems(["2+2?", "3*3?"]);
        var options = new DatasetLoadOptions { Fields = new DatasetFieldMap { Prompt = "question" } };
        var dataset = DatasetLoader.LoadFile(path, options);
        Assert.Equal(2, dataset.Problems.Count);
        Assert.Equal("p1", dataset.Problems[1].Id);
        Assert.Equal("3*3?", dataset.Problems[1].Prompt);
        Assert.Equal("10", dataset.Problems[1].Answer);
        Assert.Equal(0.5, dataset.Problems[1].Difficulty);
        Assert.Equal(["think", "tier 1"], dataset.Problems[1].Hints);
    }

    [Fact]
    public void BadRowNamesFileRowAndField()
    {
        var path = WriteProblems(["ok", null]);
        var options = new DatasetLoadOptions { Fields = new DatasetFieldMap { Prompt = "question" } };
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadFile(path, options));
        Assert.Contains(path, e.Message);
        Assert.Contains("row 2", e.Message);
        Assert.Contains("question", e.Message);

        options.SkipBadRows = true;
        var skipped = DatasetLoader.LoadFile(path, options);
        Assert.Single(skipped.Problems);
    }

    [Fact]
    public void CorruptFileIsABadRowNotACrash()
    {
        var path = Path.Combine(_dir, "broken.parquet");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadFile(path));
        Assert.Contains(path, e.Message);
    }
}
