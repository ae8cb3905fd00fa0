using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Data.Parquet.Reading;

/// <summary>
/// Rebuilds per-row values of one leaf column from its levels: null, a scalar, or nested lists (one
/// per repeated ancestor). An entry with repetition level r appends to the list at depth r; deeper
/// lists start fresh, and the definition level says how far down each one is defined.
/// </summary>
internal sealed class RowAssembler
{
    private readonly ColumnData _data;
    private readonly ColumnDescriptor _c;
    private readonly List<object?>?[] _open;
    private int _level;
    private int _value;

    public RowAssembler(ColumnData data)
    {
        _data = data;
        _c = data.Column;
        _open = new List<object?>?[_c.MaxRepetitionLevel + 1];
    }

    public object? Next()
    {
        int maxRep = _c.MaxRepetitionLevel;
        if (_level >= _data.LevelCount) throw new ParquetFormatException($"Column '{_c.DottedPath}' has fewer rows than its row group declares.");
        if (maxRep == 0)
        {
            int d = _data.DefinitionLevels?[_level] ?? _c.MaxDefinitionLevel;
            _level++;
            return d == _c.MaxDefinitionLevel ? _data.GetValue(_value++) : null;
        }
        var rep = _data.RepetitionLevels!;
        object? row = Build(0);
        while (_level < _data.LevelCount && rep[_level] != 0)
        {
            int r = rep[_level];
            var list = _open[r - 1] ?? throw new ParquetFormatException($"Column '{_c.DottedPath}': repetition level {r} continues a list that is null or empty.");
            list.Add(Build(r));
        }
        return row;
    }

    /// <summary>Builds the value that starts at list depth <paramref name="depth"/> from the current level entry.</summary>
    private object? Build(int depth)
    {
        int d = _data.DefinitionLevels?[_level] ?? _c.MaxDefinitionLevel;
        int maxRep = _c.MaxRepetitionLevel;
        for (int j = depth; j < maxRep; j++) _open[j] = null;
        object? result = BuildAt(depth, d);
        _level++;
        return result;
    }

    private object? BuildAt(int depth, int d)
    {
        if (depth == _c.MaxRepetitionLevel) return d == _c.MaxDefinitionLevel ? _data.GetValue(_value++) : null;
        if (d < _c.ListPresentDefinition[depth]) return null;
        var list = new List<object?>();
        if (d >= _c.ListNonEmptyDefinition[depth])
        {
            _open[depth] = list;
            list.Add(BuildAt(depth + 1, d));
        }
        return list;
    }
}
