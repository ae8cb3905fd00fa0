namespace Pipeline.Cli.Setup;

/// <summary>The fields of /etc/os-release that decide whether apt-get can install what is missing.</summary>
public sealed record OsRelease(string Id, IReadOnlyList<string> IdLike, string PrettyName)
{
    public bool IsDebianFamily => Id is "debian" or "ubuntu" || IdLike.Contains("debian") || IdLike.Contains("ubuntu");

    public static OsRelease Parse(string? text)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in (text ?? string.Empty).Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                fields[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"');
            }
        }

        return new OsRelease(
            fields.GetValueOrDefault("ID", "unknown"),
            fields.GetValueOrDefault("ID_LIKE", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            fields.GetValueOrDefault("PRETTY_NAME", "unknown"));
    }
}
