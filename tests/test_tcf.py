"""TC strings decoded by the IAB's own library (@iabtcf/core, run by Node)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

from scanner import tcf

# A TC string made by @iabtcf/core itself (with a two-vendor GVL): consent to purposes 1 and 3,
# vendors 2 and 755.
ENCODE = """
const { TCModel, TCString, GVL } = require("@iabtcf/core");
const vendor = (id) => ({ id, name: "Vendor " + id, purposes: [1, 3], legIntPurposes: [],
  flexiblePurposes: [], specialPurposes: [], features: [], specialFeatures: [],
  policyUrl: "https://vendor.example/" });
const purpose = (id) => ({ id, name: "P" + id, description: "", descriptionLegal: "" });
const gvl = new GVL({ gvlSpecificationVersion: 2, vendorListVersion: 1, tcfPolicyVersion: 2,
  lastUpdated: "2026-01-01T00:00:00Z",
  purposes: Object.fromEntries([1,2,3,4,5,6,7,8,9,10].map((i) => [i, purpose(i)])),
  specialPurposes: {}, features: {}, specialFeatures: {},
  vendors: { 2: vendor(2), 755: vendor(755) } });
const m = new TCModel(gvl);
m.cmpId = 10; m.cmpVersion = 2; m.publisherCountryCode = "DE";
m.purposeConsents.set([1, 3]); m.vendorConsents.set([2, 755]);
process.stdout.write(TCString.encode(m));
"""


def test_a_tc_string_is_decoded_into_purposes_and_vendors() -> None:
    node = shutil.which("node")
    assert node, "node is needed for the TCF decoder (installed with npm by the setup)"
    made = subprocess.run(
        [node, "-e", ENCODE], cwd=tcf.ROOT, capture_output=True, text=True, check=True
    ).stdout
    decoded, broken = asyncio.run(tcf.decode([made, "not-a-tc-string"]))
    assert decoded["cmpId"] == 10 and decoded["version"] == 2
    assert decoded["purposeConsents"] == [1, 3]
    assert decoded["vendorConsents"] == [2, 755]
    assert "error" in broken
