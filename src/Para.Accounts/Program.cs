var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAccountServices();
builder.AddAuthRefresh();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapAccountApis();
app.MapAuthRefreshApi();

return await app.RunAccountsAsync();

/// <summary>Entry point marker for WebApplicationFactory-based tests.</summary>
public partial class Program;
