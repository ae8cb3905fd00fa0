namespace Pipeline.Data.Parquet;

/// <summary>Base of every error the Parquet codec raises on purpose, so callers can catch one type.</summary>
public abstract class ParquetException : Exception
{
    protected ParquetException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The bytes are not a valid Parquet file (corrupt, truncated, or inconsistent metadata).</summary>
public sealed class ParquetFormatException : ParquetException
{
    public ParquetFormatException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The file is well formed but uses a feature this codec does not implement (e.g. ZSTD).</summary>
public sealed class ParquetNotSupportedException : ParquetException
{
    public ParquetNotSupportedException(string message) : base(message) { }
}
