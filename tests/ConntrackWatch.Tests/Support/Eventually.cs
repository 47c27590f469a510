namespace ConntrackWatch.Tests.Support;

public static class Eventually
{
    /// <summary>Waits for a condition that a running daemon makes true, or fails with <paramref name="what"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
