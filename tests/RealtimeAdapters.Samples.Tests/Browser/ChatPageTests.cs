using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RealtimeAdapters.Samples.Tests.Browser;

/// <summary>Two (then three) people chat in the browser, each through their own page and server-side client.</summary>
public abstract class ChatPageTests(BrowserFixture browser, WebAppFixture web) : BrowserTest(browser, web)
{
    protected static ILocator Member(IPage page, string name) => page.Locator($"[data-testid=member][data-name={name}]");

    protected static ILocator Message(IPage page, string author, string text) =>
        page.Locator($"[data-testid=message][data-author={author}]").Filter(new() { HasText = text });

    [Fact]
    public async Task TwoUsers_SeeEachOthersPresenceTypingAndMessages()
    {
        var room = NewName("room");
        var alice = await OpenAsync($"chat.html?room={room}&user=alice");
        await Expect(Member(alice, "alice")).ToBeVisibleAsync();
        var bob = await OpenAsync($"chat.html?room={room}&user=bob");

        await Expect(Member(alice, "bob")).ToBeVisibleAsync();
        await Expect(Member(bob, "alice")).ToBeVisibleAsync();

        await bob.GetByTestId("text").PressSequentiallyAsync("Hi");
        await Expect(alice.GetByTestId("typing")).ToHaveTextAsync("bob is typing…");
        await Expect(Member(alice, "bob")).ToHaveAttributeAsync("data-typing", "true");

        await bob.GetByTestId("text").FillAsync("Hi alice!");
        await bob.GetByTestId("send").ClickAsync();
        await Expect(Message(alice, "bob", "Hi alice!")).ToBeVisibleAsync();
        await Expect(Message(bob, "bob", "Hi alice!")).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("typing")).ToHaveTextAsync(string.Empty);

        await alice.GetByTestId("text").FillAsync("Hello bob");
        await alice.GetByTestId("text").PressAsync("Enter");
        await Expect(Message(bob, "alice", "Hello bob")).ToBeVisibleAsync();
        await Expect(bob.GetByTestId("message")).ToHaveCountAsync(2);

        // Someone arriving later reads the history; someone closing the page leaves the room.
        var carol = await OpenAsync($"chat.html?room={room}&user=carol");
        await Expect(carol.GetByTestId("message")).ToHaveTextAsync(["bob: Hi alice!", "alice: Hello bob"]);
        await Expect(Member(alice, "carol")).ToBeVisibleAsync();
        await bob.CloseAsync();
        await Expect(Member(alice, "bob")).ToHaveCountAsync(0);
        await Expect(Member(carol, "bob")).ToHaveCountAsync(0);
        await Expect(alice.GetByTestId("member")).ToHaveCountAsync(2);
    }
}

public sealed class InMemoryChatPageTests(BrowserFixture browser, InMemoryWebAppFixture web) : ChatPageTests(browser, web), IClassFixture<InMemoryWebAppFixture>;

public sealed class EmulatorChatPageTests(BrowserFixture browser, EmulatorWebAppFixture web) : ChatPageTests(browser, web), IClassFixture<EmulatorWebAppFixture>
{
    [Fact]
    public async Task Page_ShowsTheBackend()
    {
        var page = await OpenAsync($"chat.html?room={NewName("room")}&user=dave");

        await Expect(page.GetByTestId("backend")).ToContainTextAsync("Ably (emulator at");
    }

    /// <summary>A page running the official Ably SDK (ably-js) in the browser and a page backed by the .NET library chat in one room.</summary>
    [Fact]
    public async Task OfficialSdkPage_AndLibraryPage_SeeEachOthersPresenceAndMessages()
    {
        // The page loads ably-js from the copy npm installs for the interop tests.
        var ablyJs = await new HttpClient().GetAsync(new Uri(BaseUrl, "lib/ably.min.js"), TestContext.Current.CancellationToken);
        if (!ablyJs.IsSuccessStatusCode)
        {
            const string Hint = "ably-js is not installed: run `npm ci --prefix tests/interop`.";
            Assert.SkipWhen(Environment.GetEnvironmentVariable("REALTIME_REQUIRE_INTEROP") != "1", Hint);
            Assert.Fail(Hint);
        }

        var room = NewName("room");
        var alice = await OpenAsync($"chat.html?room={room}&user=alice");
        await Expect(Member(alice, "alice")).ToBeVisibleAsync();
        var bob = await OpenAsync($"chat-sdk.html?room={room}&user=bob");

        await Expect(Member(bob, "alice")).ToBeVisibleAsync();
        await Expect(Member(alice, "bob")).ToBeVisibleAsync();
        await bob.GetByTestId("text").FillAsync("from ably-js");
        await bob.GetByTestId("send").ClickAsync();
        await Expect(Message(alice, "bob", "from ably-js")).ToBeVisibleAsync();
        await alice.GetByTestId("text").FillAsync("from the library");
        await alice.GetByTestId("send").ClickAsync();
        await Expect(Message(bob, "alice", "from the library")).ToBeVisibleAsync();

        // Closing the page closes ably-js's connection (closeOnUnload), so its member leaves at once; a connection that just
        // drops would stay present for the 15 s Ably allows it to resume.
        await bob.CloseAsync(new() { RunBeforeUnload = true });
        await Expect(Member(alice, "bob")).ToHaveCountAsync(0);
    }
}

public sealed class FirebaseChatPageTests(BrowserFixture browser, FirebaseChatWebAppFixture web) : ChatPageTests(browser, web), IClassFixture<FirebaseChatWebAppFixture>;
