using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Para.ServiceDefaults.Http;
using Para.ServiceDefaults.Security;

namespace Para.ServiceDefaults.Tests;

/// <summary>A service built like Para's (service defaults, exception handler, status-code pages) on Kestrel at 127.0.0.1.</summary>
public sealed class RequestProblemsTests : IAsyncLifetime
{
    private const string Secret = "sk-ant-oat01-never-echo-this";
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration[AdminKeyAuthentication.AdminKeyConfigurationKey] = "request-problems-key";
        builder.Configuration["Para:Http:MaxRequestBodyBytes"] = "1024";
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.UseStatusCodePages();
        _app.MapPost("/things", (Thing thing) => TypedResults.Ok(thing)).AllowAnonymous();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"name\": " + Secret + "}", "line 1, position 10")]
    [InlineData("{\"name\": \"" + Secret + "\",\n \"count\": }", "line 2, position 11")]
    [InlineData("{\"name\": \"" + Secret + "\"", "line 1, position")]
    public async Task Malformed_json_is_a_400_saying_where_and_never_what_the_body_held(string body, string where)
    {
        var (status, problem, text) = await PostAsync(body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("The request body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(where, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant", text, StringComparison.Ordinal);
        Assert.DoesNotContain("never-echo", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_named_by_its_path()
    {
        var (status, problem, text) = await PostAsync("{\"name\": \"" + Secret + "\", \"count\": \"" + Secret + "\"}", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request body is not valid JSON: the value at $.count is not of the expected type (line 1, position 81).", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("sk-ant", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_with_a_sentence()
    {
        var (status, problem, _) = await PostAsync("name=x", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("This endpoint takes a JSON body: send it with Content-Type: application/json (the request said text/plain; charset=utf-8).", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_limit_is_a_413_naming_the_limit_and_its_setting(bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/things", UriKind.Relative))
        {
            Content = new StringContent("{\"name\": \"" + new string('x', 4096) + "\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = chunked; // no Content-Length: only counting the bytes finds it too large

        using var response = await _client.SendAsync(request);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The request body is larger than the 1 KiB this service accepts (Para:Http:MaxRequestBodyBytes).", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_under_the_limit_still_works()
    {
        var (status, thing, _) = await PostAsync("{\"name\": \"small\", \"count\": 2}", "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("small", thing.GetProperty("name").GetString());
    }

    [Fact]
    public void The_default_limit_is_64_KiB()
    {
        Assert.Equal(64 * 1024, new HttpLimitsOptions().MaxRequestBodyBytes);
        Assert.Equal(1024, _app.Services.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostAsync(string body, string mediaType)
    {
        using var content = new StringContent(body, Encoding.UTF8, mediaType);
        using var response = await _client.PostAsync(new Uri("/things", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, JsonDocument.Parse(text).RootElement, text);
    }

    public sealed record Thing(string Name, int Count);
}
