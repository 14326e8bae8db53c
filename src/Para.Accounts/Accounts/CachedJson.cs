using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Para.Accounts.Accounts;

/// <summary>
/// A JSON body built once and served many times, plain or gzip-compressed for clients that accept
/// it. A thousand accounts make a body of most of a megabyte; compressed it is a tenth of that,
/// which is what keeps a busy list fast on loopback.
/// </summary>
internal sealed class CachedJson(byte[] json)
{
    private byte[]? _gzip;

    public byte[] Json { get; } = json;

    public byte[] Gzip => _gzip ??= Compress(Json);

    public IResult ToResult(HttpContext context)
    {
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (AcceptsGzip(context.Request))
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(Gzip, "application/json; charset=utf-8");
        }

        return TypedResults.Bytes(Json, "application/json; charset=utf-8");
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Compress(byte[] json)
    {
        using var buffer = new MemoryStream(json.Length / 4);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return buffer.ToArray();
    }
}
