using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Names in a rollout directory. Complete files are <c>{prefix}-{first}-{last}.parquet</c>; a file
/// being written is <c>{prefix}-{first}.parquet.inprogress</c> with its journal beside it.
/// Only complete names are ever read by replay.
/// </summary>
internal static class RolloutFileNames
{
    public const string InProgressSuffix = ".parquet.inprogress";
    public const string JournalSuffix = ".journal";
    public const string SetAsideFolder = "set-aside";

    public static string Final(string prefix, long first, long last) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{first:D10}-{last:D10}.parquet");

    public static string InProgress(string prefix, long first) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{first:D10}{InProgressSuffix}");

    public static string Journal(string inProgressPath) => inProgressPath + JournalSuffix;

    /// <summary>Parses a complete file's step range from its name.</summary>
    public static bool TryParseFinal(string prefix, string fileName, out long first, out long last)
    {
        var m = Regex.Match(fileName, "^" + Regex.Escape(prefix) + @"-(\d+)-(\d+)\.parquet$");
        first = last = 0;
        return m.Success &&
               long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out first) &&
               long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out last);
    }

    /// <summary>Complete files of the directory, ordered by first step.</summary>
    public static List<(string Path, long First, long Last)> ListFinal(string directory, string prefix)
    {
        var result = new List<(string, long, long)>();
        if (!Directory.Exists(directory)) return result;
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "-*.parquet"))
        {
            if (TryParseFinal(prefix, Path.GetFileName(path), out long first, out long last)) result.Add((path, first, last));
        }
        result.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return result;
    }
}
