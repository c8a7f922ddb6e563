KOMMUNER = {"2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"}


def test_directory_lists_region_and_kommuner_with_units(api, people):
    response = api(people["reporter"]).get("/directory")
    assert response.status_code == 200
    orgs = response.json["organisations"]
    region = [o for o in orgs if o["kind"] == "region"]
    kommuner = [o for o in orgs if o["kind"] == "kommun"]
    assert [o["code"] for o in region] == ["23"]
    assert {o["code"] for o in kommuner} == KOMMUNER
    assert orgs[0]["code"] == "23"  # the region first
    for org in orgs:
        assert set(org) == {"code", "name", "kind", "lan", "receives", "units"}
        assert org["lan"] == "23" and org["receives"] is True
        assert org["units"], org["code"]
        assert all(set(u) == {"code", "name"} for u in org["units"])
    krokom = next(o for o in orgs if o["code"] == "2309")
    assert krokom["name"] == "Krokoms kommun"
    assert "2309-HSJV" in {u["code"] for u in krokom["units"]}
    assert {"23-OSD-MED", "23-OSD-GER"} <= {u["code"] for u in region[0]["units"]}
