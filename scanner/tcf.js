// Decodes IAB TCF v2 TC strings with @iabtcf/core (npm): one string per line on stdin,
// one JSON object per line on stdout (purposes and vendors with consent or legitimate interest).
const { TCString } = require("@iabtcf/core");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
const ids = (vector) => { const out = []; vector.forEach((on, id) => { if (on) out.push(id); }); return out; };
for (const line of lines) {
  try {
    const m = TCString.decode(line.trim());
    console.log(JSON.stringify({
      version: m.version, cmpId: m.cmpId, cmpVersion: m.cmpVersion, policyVersion: m.policyVersion,
      created: m.created, lastUpdated: m.lastUpdated, consentLanguage: m.consentLanguage,
      purposeConsents: ids(m.purposeConsents), purposeLegitimateInterests: ids(m.purposeLegitimateInterests),
      specialFeatureOptins: ids(m.specialFeatureOptins),
      vendorConsents: ids(m.vendorConsents), vendorLegitimateInterests: ids(m.vendorLegitimateInterests),
    }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e && e.message || e).slice(0, 200) }));
  }
}
