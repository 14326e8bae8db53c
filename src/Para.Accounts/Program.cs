var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAccountServices();

var app = builder.Build();
if (!app.TryOpenAccountStore(out var failure))
{
    await Console.Error.WriteLineAsync($"para-accounts: {failure}");
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapAccountApis();

await app.RunAsync();
return 0;

/// <summary>Entry point marker for WebApplicationFactory-based tests.</summary>
public partial class Program;
