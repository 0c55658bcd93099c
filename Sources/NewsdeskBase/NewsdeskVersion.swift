/// Newsdesk's version and home, as the User-Agent and the generated feeds name them.
public enum NewsdeskVersion {
    public static let string = "0.1.0"
    public static let homePage = "https://github.com/newsdesk/newsdesk"
}
