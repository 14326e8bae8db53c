using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;

namespace Para.ServiceDefaults.Http;

/// <summary>Limits on what a client may send; bound from <c>Para:Http</c>.</summary>
public sealed class HttpLimitsOptions
{
    public const string SectionName = "Para:Http";

    /// <summary>
    /// The largest request body a service reads (default 64 KiB). Every Para request is a small
    /// JSON document; image builds name a folder on the service's disk and send no context.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>
/// A request the service cannot read is the client's mistake, answered with a problem document
/// that says what is wrong: malformed JSON (where, never what the body held) is 400, a body that
/// is not JSON 415, a body over <see cref="HttpLimitsOptions.MaxRequestBodyBytes"/> 413.
/// </summary>
public static partial class RequestProblems
{
    public static IHostApplicationBuilder AddRequestProblems(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HttpLimitsOptions>()
            .Bind(builder.Configuration.GetSection(HttpLimitsOptions.SectionName))
            .Validate(options => options.MaxRequestBodyBytes > 0, $"{HttpLimitsOptions.SectionName}:{nameof(HttpLimitsOptions.MaxRequestBodyBytes)} must be positive.")
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);

        // Minimal APIs then throw what they found (BadHttpRequestException, the JsonException inside)
        // instead of answering a bare 400, so the handler below can say it.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();

        // A body over the limit is refused by Kestrel while the endpoint reads it: a bare 413 that
        // the status-code pages turn into a problem, given its sentence here.
        services.AddOptions<Microsoft.AspNetCore.Http.ProblemDetailsOptions>().Configure<IOptions<HttpLimitsOptions>>((problems, limits) =>
        {
            var previous = problems.CustomizeProblemDetails;
            problems.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                if (context.ProblemDetails.Detail is null && context.ProblemDetails.Status is { } status)
                {
                    context.ProblemDetails.Detail = SentenceFor(status, limits.Value, contentType: context.HttpContext.Request.ContentType,
                        endpointLimit: EndpointLimitOf(context.HttpContext));
                }
            };
        });
        return builder;
    }

    /// <summary>What a client reads when its request could not be read; never any of the body.</summary>
    /// <param name="endpointLimit">The endpoint's own limit (<see cref="IRequestSizeLimitMetadata"/>), which replaces the service's.</param>
    public static string? SentenceFor(int status, HttpLimitsOptions limits, string? contentType, Exception? exception = null, long? endpointLimit = null) => status switch
    {
        StatusCodes.Status413PayloadTooLarge when endpointLimit is { } bytes =>
            $"The request body is larger than the {Size(bytes)} this endpoint accepts.",
        StatusCodes.Status413PayloadTooLarge =>
            $"The request body is larger than the {Size(limits.MaxRequestBodyBytes)} this service accepts ({HttpLimitsOptions.SectionName}:{nameof(HttpLimitsOptions.MaxRequestBodyBytes)}).",
        StatusCodes.Status415UnsupportedMediaType =>
            $"This endpoint takes a JSON body: send it with Content-Type: application/json{(string.IsNullOrWhiteSpace(contentType) ? " (the request had none)" : $" (the request said {Shortened(contentType)})")}.",
        StatusCodes.Status400BadRequest when exception?.InnerException is JsonException json => DescribeJson(json),
        StatusCodes.Status400BadRequest when exception is BadHttpRequestException => exception.Message,
        _ => null,
    };

    private static string DescribeJson(JsonException json)
    {
        var where = json.LineNumber is { } line && json.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, position {position + 1})")
            : "";
        var path = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "" : $" at {json.Path}";
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
        var what = message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal)
            ? $"the value{path} is not of the expected type"
            : QuotedInput().Replace(message, match => AllowedQuotes.Contains(match.Value) ? match.Value : "the text there");
        return $"The request body is not valid JSON: {char.ToLowerInvariant(what[0])}{what[1..]}{where}.";
    }

    // The reader's messages quote the bytes they stopped at ("'x' is an invalid start of a value");
    // those come from the body, so anything quoted except the grammar's own words is left out.
    private static readonly HashSet<string> AllowedQuotes = ["'true'", "'false'", "'null'", "'0'", "'9'"];

    [GeneratedRegex("'[^']*[A-Za-z0-9][^']*'")]
    private static partial Regex QuotedInput();

    private static long? EndpointLimitOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;

    private static string Size(long bytes) =>
        bytes % 1024 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB") : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");

    private static string Shortened(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private sealed class BadRequestHandler(IProblemDetailsService problems, IOptions<HttpLimitsOptions> limits) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException badRequest || httpContext.Response.HasStarted)
            {
                return false;
            }

            httpContext.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails =
                {
                    Status = badRequest.StatusCode,
                    Title = badRequest.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => "Request body too large",
                        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                        _ => "Invalid request",
                    },
                    Detail = SentenceFor(badRequest.StatusCode, limits.Value, httpContext.Request.ContentType, exception, EndpointLimitOf(httpContext))
                        ?? "The request could not be read.",
                },
            });
        }
    }
}
