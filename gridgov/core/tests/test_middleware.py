def test_pages_are_chinese_even_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "工作人员登录" in response.content.decode()


def test_the_chosen_language_wins(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    body = response.content.decode()
    assert "工作人员登录" not in body and 'lang="en"' in body


def test_an_unknown_language_cookie_falls_back_to_chinese(client, db):
    client.cookies["django_language"] = "xx"
    assert "工作人员登录" in client.get("/accounts/login/").content.decode()
