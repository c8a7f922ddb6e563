"""Form labels and validator messages are data in the code, translated as they are rendered."""


def test_filing_errors_and_labels_are_english_in_english(client, login, people):
    login(people["reporter"])
    client.set_cookie("sprak", "en")
    page = client.post("/arenden/ny", data={"kind": "deviation"}).get_data(as_text=True)
    for english in ("Choose a category.", "Describe what happened.", "Describe what was done at once.",
                    "Where did it happen?", "Your profession"):
        assert english in page, english
    assert "Välj en kategori." not in page and "Beskriv vad som hände." not in page
