using System.Collections;
using System.Globalization;
using System.Text.Json;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Data.Parquet;

/// <summary>Runs DuckDB through the node oracle and compares its JSON output with values from our codec.</summary>
internal static class DuckDbJson
{
    public static bool Available => OracleRunner.HasPackage("@duckdb/node-api");

    public static JsonElement Query(string sql)
    {
        string json = OracleRunner.Run("duckdb-query.mjs", sql);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static string Quote(string path) => "'" + path.Replace("'", "''") + "'";

    /// <summary>Asserts that <paramref name="ours"/> equals DuckDB's JSON rendering of the same value.</summary>
    public static void AssertSame(object? ours, JsonElement duck, string where)
    {
        if (ours is null)
        {
            Assert.True(duck.ValueKind == JsonValueKind.Null, $"{where}: expected null, DuckDB has {duck}");
            return;
        }
        Assert.True(duck.ValueKind != JsonValueKind.Null, $"{where}: expected {ours}, DuckDB has null");
        switch (ours)
        {
            case string s:
                Assert.Equal(s, duck.GetString());
                break;
            case bool b:
                Assert.Equal(b, duck.GetBoolean());
                break;
            case float f:
                Assert.True(f == (float)duck.GetDouble(), $"{where}: float {f} vs DuckDB {duck}");
                break;
            case double d:
                Assert.True(d == duck.GetDouble(), $"{where}: double {d.ToString("R", CultureInfo.InvariantCulture)} vs DuckDB {duck}");
                break;
            case DateTime t:
                Assert.Equal((t.Ticks - DateTime.UnixEpoch.Ticks) / 10, Integer(duck));
                break;
            case DateOnly date:
                Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), duck.GetString());
                break;
            case int or long or uint or short or sbyte or byte or ushort:
                Assert.True(Convert.ToInt64(ours, CultureInfo.InvariantCulture) == Integer(duck), $"{where}: {ours} vs DuckDB {duck}");
                break;
            case ulong ul:
                Assert.Equal(ul.ToString(CultureInfo.InvariantCulture), duck.ValueKind == JsonValueKind.String ? duck.GetString() : duck.GetRawText());
                break;
            case IList list:
                Assert.True(duck.ValueKind == JsonValueKind.Array, $"{where}: expected a list, DuckDB has {duck}");
                Assert.True(list.Count == duck.GetArrayLength(), $"{where}: list of {list.Count} vs DuckDB {duck.GetArrayLength()}");
                for (int i = 0; i < list.Count; i++) AssertSame(list[i], duck[i], $"{where}[{i}]");
                break;
            default:
                throw new InvalidOperationException($"{where}: no comparison for {ours.GetType()}");
        }
    }

    public static long Integer(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();
}
