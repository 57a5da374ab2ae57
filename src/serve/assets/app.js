// charta serve : le script des pages du bureau (sans dépendance, sans étape de construction).
// Tout texte venu des données est inséré comme texte (textContent, value), jamais comme HTML.
// Typographie française : espace insécable (\u00a0) avant « : » et dans « », espace fine
// insécable (\u202f) avant « ; ! ? ».
"use strict";
(function () {
  const meta = document.querySelector('meta[name="charta-jeton"]');
  const jeton = meta ? meta.content : "";
  const NB = "\u00a0";
  const FINE = "\u202f";

  function envoyer(url, corps) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Charta-Jeton": jeton },
      body: JSON.stringify(corps),
    }).then(async (r) => ({ statut: r.status, corps: await r.json().catch(() => ({})) }));
  }

  // « 1 erreur », « 2 erreurs » : 0 et 1 prennent le singulier.
  function pluriel(n, un, plusieurs) {
    return `${n}${NB}${n > 1 ? plusieurs : un}`;
  }

  // Minuscules sans accents : « Économie » → « economie » (la recherche et le tri).
  function sansAccents(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE")
      .replace(/[\u00a0\u202f]/g, " ").toLowerCase();
  }

  function el(nom, attrs, ...enfants) {
    const e = document.createElement(nom);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "texte") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of enfants) if (c) e.append(c);
    return e;
  }

  // ---------------------------------------------------------------- génération
  function suivreGeneration(surFin) {
    const zone = document.getElementById("progression");
    const barre = document.getElementById("barre");
    const etat = document.getElementById("etat-generation");
    zone.hidden = false;
    const tour = () =>
      fetch("/api/build").then((r) => r.json()).then((s) => {
        barre.max = Math.max(s.total, 1);
        barre.value = s.done;
        etat.textContent = s.running
          ? `${s.done} sur ${s.total}` + (s.current ? ` — ${s.current}` : "")
          : s.message + (s.problems.length ? " " + s.problems.join(`${FINE}; `) : "");
        etat.dataset.fini = s.running ? "non" : "oui";
        if (s.running) setTimeout(tour, 400);
        else if (surFin) surFin(s);
      });
    tour();
  }

  // Après une génération, la page reprend ses téléchargements et ses modifications sans se recharger.
  function rafraichirSections(ids) {
    return fetch(location.pathname).then((r) => r.text()).then((html) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      for (const id of ids) {
        const neuf = doc.getElementById(id);
        const ancien = document.getElementById(id);
        if (neuf && ancien) ancien.replaceWith(document.importNode(neuf, true));
      }
    });
  }

  for (const bouton of document.querySelectorAll("#generer, #generer-tout")) {
    bouton.addEventListener("click", () => {
      bouton.disabled = true;
      envoyer("/api/build", { seulement: bouton.dataset.only }).then((r) => {
        if (r.statut !== 202) {
          document.getElementById("progression").hidden = false;
          document.getElementById("etat-generation").textContent = r.corps.erreur || "Génération refusée.";
          bouton.disabled = false;
          return;
        }
        suivreGeneration(() => {
          bouton.disabled = false;
          if (document.getElementById("page-convention"))
            rafraichirSections(["telechargements", "modifications"]);
        });
      });
    });
  }

  // ---------------------------------------------------------------- programme : filtres et tri
  const tableau = document.getElementById("conventions");
  if (tableau) {
    const texte = document.getElementById("filtre-texte");
    const statut = document.getElementById("filtre-statut");
    const nature = document.getElementById("filtre-nature");
    const compte = document.getElementById("compte");
    const corps = tableau.tBodies[0];
    const lignes = Array.from(corps.rows);
    const cherche = new Map(lignes.map((l) => [l, sansAccents(l.dataset.texte)]));
    const filtrer = () => {
      const t = sansAccents(texte.value.trim());
      let n = 0;
      for (const l of lignes) {
        const ok =
          (!t || cherche.get(l).includes(t)) &&
          (!statut.value || l.dataset.statut === statut.value) &&
          (!nature.value || l.dataset.nature === nature.value);
        l.hidden = !ok;
        if (ok) n++;
      }
      compte.textContent = `${pluriel(n, "convention affichée", "conventions affichées")} sur ${lignes.length}`;
    };
    for (const c of [texte, statut, nature]) for (const ev of ["input", "change"]) c.addEventListener(ev, filtrer);
    document.getElementById("filtres").addEventListener("submit", (e) => e.preventDefault());
    filtrer();

    // Un clic sur l'en-tête d'une colonne trie par elle ; un second clic inverse l'ordre.
    const entetes = Array.from(tableau.tHead.rows[0].cells);
    const ordre = new Intl.Collator("fr", { sensitivity: "base", numeric: true });
    entetes.forEach((th, i) => {
      const bouton = th.querySelector("button");
      bouton.addEventListener("click", () => {
        const montant = th.getAttribute("aria-sort") !== "ascending";
        for (const autre of entetes) autre.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", montant ? "ascending" : "descending");
        const valeur = (l) => {
          const c = l.cells[i];
          return c.dataset.tri !== undefined ? c.dataset.tri : c.textContent;
        };
        const nombre = bouton.dataset.tri === "nombre";
        const tries = lignes.slice().sort((a, b) => {
          const d = nombre ? Number(valeur(a)) - Number(valeur(b)) : ordre.compare(valeur(a), valeur(b));
          return montant ? d : -d;
        });
        corps.append(...tries);
      });
    });
  }

  // ---------------------------------------------------------------- convention : formulaire
  const page = document.getElementById("page-convention");
  if (!page) return;
  const id = page.dataset.id;
  const formulaire = document.getElementById("formulaire");
  const etatEnr = document.getElementById("etat-enregistrement");
  const boutonEnr = document.getElementById("enregistrer");
  let schema = null;
  let mots = { champs: {}, choix: {} };
  let modele = null;
  let empreinte = null;
  let signee = false;
  let minuteur = null;
  // Des modifications pas encore enregistrées : le navigateur prévient avant de quitter la page.
  let modifie = false;

  window.addEventListener("beforeunload", (e) => {
    if (modifie) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // Chemin JSON comme charta l'écrit : convention.funding.2027, dashboard.objectives[0].id
  function chemin(parent, cle) {
    if (typeof cle === "number") return `${parent}[${cle}]`;
    if (cle === "" || /[.\[\]"]/.test(cle)) return `${parent}["${cle.replace(/"/g, '\\"')}"]`;
    return parent ? `${parent}.${cle}` : cle;
  }

  // Le chemin d'un champ sans ses rangs : dashboard.objectives[].indicators[].type
  function generique(p) {
    return p.replace(/\[\d+\]/g, "[]");
  }

  function resoudre(s) {
    let r = s || {};
    while (r.$ref) {
      const def = schema.$defs[r.$ref.split("/").pop()] || {};
      r = Object.assign({}, def, r.description ? { description: r.description } : {});
      delete r.$ref;
      if (def.$ref) r.$ref = def.$ref;
    }
    // Option<T> : anyOf [T, null] devient T, avec la valeur vide permise.
    if (r.anyOf) {
      const nonNul = r.anyOf.filter((o) => o.type !== "null");
      if (nonNul.length === 1 && nonNul.length < r.anyOf.length) {
        const base = resoudre(nonNul[0]);
        const t = types(base);
        r = Object.assign({}, base, {
          description: r.description || base.description,
          type: t.length ? t.concat("null") : base.type,
          nullable: true,
        });
      }
    }
    return r;
  }

  // Une entrée de table ou de liste : son libellé est sa clé (l'année, le rang), pas la description du type.
  function sansDescription(s) {
    const r = Object.assign({}, resoudre(s));
    delete r.description;
    r.entree = true;
    return r;
  }

  function types(s) {
    return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  }

  function choix(s) {
    return s.oneOf && s.oneOf.every((o) => "const" in o) ? s.oneOf : null;
  }

  function parDefaut(s0, nonNul) {
    const s = resoudre(s0);
    const t = types(s);
    if (choix(s)) return choix(s)[0].const;
    if (!nonNul && (t.includes("null") || s.nullable)) return null;
    if (t.includes("object") && s.properties) {
      const o = {};
      for (const k of s.required || []) o[k] = parDefaut(s.properties[k]);
      return o;
    }
    if (t.includes("object")) return {};
    if (t.includes("array")) return [];
    if (t.includes("number") || t.includes("integer")) return 0;
    if (t.includes("boolean")) return false;
    return "";
  }

  // Le libellé français du champ (api/libelles), ou sa clé pour une entrée de table (l'année).
  function motsDe(s, p, cle) {
    const m = !s.entree && mots.champs[generique(p)];
    if (m) return m;
    return { libelle: typeof cle === "number" ? `n°${NB}${cle + 1}` : String(cle), aide: "", date: false };
  }

  function etiquette(m, pour, p) {
    return el("label", { for: pour, "data-chemin-complet": p },
      document.createTextNode(m.libelle),
      m.aide ? el("span", { class: "aide", texte: ` (${m.aide})` }) : null);
  }

  // Un champ simple : texte, nombre, date, case à cocher, choix dans une liste.
  function champ(s, valeur, p, poser, cle) {
    const t = types(s);
    const c = choix(s);
    const m = motsDe(s, p, cle);
    const nul = t.includes("null") || s.nullable || !t.length;
    let entree;
    if (c) {
      entree = el("select", { "data-chemin": p });
      const noms = mots.choix[generique(p)] || {};
      if (nul || valeur === null || valeur === undefined) entree.append(el("option", { value: "", texte: "— non renseigné —" }));
      for (const o of c) {
        const opt = el("option", { value: o.const, texte: noms[o.const] || o.description || o.const });
        if (o.const === valeur) opt.selected = true;
        entree.append(opt);
      }
      entree.addEventListener("change", () => poser(entree.value === "" ? null : entree.value));
    } else if (t.includes("boolean")) {
      entree = el("input", { type: "checkbox", "data-chemin": p });
      entree.checked = valeur === true;
      entree.addEventListener("change", () => poser(entree.checked));
    } else if (m.date || s.format === "date") {
      entree = el("input", { type: "date", "data-chemin": p });
      entree.value = typeof valeur === "string" ? valeur : "";
      entree.addEventListener("input", () => poser(entree.value === "" ? (nul ? null : "") : entree.value));
      entree.addEventListener("change", () => poser(entree.value === "" ? (nul ? null : "") : entree.value));
    } else {
      const nombre = t.includes("number") || t.includes("integer");
      const longue = !nombre && typeof valeur === "string" && valeur.length > 90;
      entree = el(longue ? "textarea" : "input", { "data-chemin": p, rows: longue ? 4 : null });
      if (!longue) entree.type = "text";
      if (nombre) entree.inputMode = "decimal";
      entree.value = valeur === null || valeur === undefined ? "" : String(valeur);
      entree.addEventListener("input", () => {
        const v = entree.value;
        if (v.trim() === "") return poser(nul ? null : nombre ? null : "");
        const n = v.replace(/\s/g, "").replace(",", ".");
        const estNombre = /^-?\d+(\.\d+)?$/.test(n);
        if (nombre && estNombre) return poser(Number(n));
        // Cible (nombre ou texte) : un nombre s'il en a la forme.
        if (!t.length && s.anyOf && estNombre) return poser(Number(n));
        poser(v);
      });
    }
    entree.id = "champ-" + p.replace(/[^A-Za-z0-9_-]/g, "_");
    return el("div", { class: "champ", "data-chemin": p }, etiquette(m, entree.id, p), entree);
  }

  function absent(m, p, ajouter) {
    return el("div", { class: "champ absent", "data-chemin": p },
      el("span", { texte: `${m.libelle}${NB}: non renseigné. ` }),
      el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { ajouter(); changer(); dessiner(); } }));
  }

  function legende(m, p) {
    return el("legend", { "data-chemin-complet": p }, document.createTextNode(m.libelle),
      m.aide ? el("span", { class: "aide", texte: ` (${m.aide})` }) : null);
  }

  // Un nœud du formulaire : objet, tableau, table par année ou champ simple.
  function noeud(s0, valeur, p, poser, cle) {
    const s = Object.assign(resoudre(s0), s0 && s0.entree ? { entree: true } : {});
    const t = types(s);
    const m = motsDe(s, p, cle);
    if (t.includes("object") && s.properties) {
      if (valeur === null || valeur === undefined) return absent(m, p, () => poser(parDefaut(s, true)));
      const fs = el("fieldset", { "data-chemin": p }, p ? legende(m, p) : null);
      const requis = s.required || [];
      for (const [k, sp] of Object.entries(s.properties)) {
        if (k === "$schema") continue;
        const present = Object.prototype.hasOwnProperty.call(valeur, k);
        const sr = resoudre(sp);
        const simple = !(types(sr).includes("object") || types(sr).includes("array"));
        if (!present && !requis.includes(k) && !simple) {
          fs.append(absent(motsDe(sr, chemin(p, k), k), chemin(p, k), () => { valeur[k] = parDefaut(sp, true); }));
          continue;
        }
        fs.append(noeud(sp, valeur[k], chemin(p, k), (v) => {
          if (v === null && !present && !requis.includes(k)) delete valeur[k];
          else valeur[k] = v;
        }, k));
      }
      return fs;
    }
    if (t.includes("object")) {
      // Table par année : une ligne par année.
      const fs = el("fieldset", { class: "table", "data-chemin": p }, legende(m, p));
      if (valeur === null || valeur === undefined) {
        fs.append(el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { poser({}); changer(); dessiner(); } }));
        return fs;
      }
      const sv = s.additionalProperties && typeof s.additionalProperties === "object" ? s.additionalProperties : {};
      for (const k of Object.keys(valeur)) {
        const ligne = noeud(sansDescription(sv), valeur[k], chemin(p, k), (v) => { valeur[k] = v; }, k);
        ligne.append(el("button", { type: "button", class: "retirer", texte: "Retirer", title: `Retirer l'année ${k}`, onclick: () => { delete valeur[k]; changer(); dessiner(); } }));
        fs.append(ligne);
      }
      const nouvelle = el("input", { type: "text", inputmode: "numeric", placeholder: "année", size: 6, "aria-label": "Nouvelle année" });
      fs.append(el("div", { class: "ajout" }, nouvelle,
        el("button", { type: "button", class: "ajouter", texte: "Ajouter l'année", onclick: () => {
          const k = nouvelle.value.trim();
          if (k && !(k in valeur)) { valeur[k] = parDefaut(sv, true); changer(); dessiner(); }
        } })));
      return fs;
    }
    if (t.includes("array")) {
      const fs = el("fieldset", { class: "liste", "data-chemin": p }, legende(m, p));
      const items = s.items || {};
      const tableau = Array.isArray(valeur) ? valeur : [];
      if (!Array.isArray(valeur)) poser(tableau);
      tableau.forEach((v, i) => {
        const n = noeud(sansDescription(items), v, chemin(p, i), (x) => { tableau[i] = x; }, i);
        n.append(el("button", { type: "button", class: "retirer", texte: "Retirer", onclick: () => { tableau.splice(i, 1); changer(); dessiner(); } }));
        fs.append(n);
      });
      fs.append(el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { tableau.push(parDefaut(items, true)); changer(); dessiner(); } }));
      return fs;
    }
    return champ(s, valeur, p, poser, cle);
  }

  function dessiner() {
    formulaire.replaceChildren(noeud(schema, modele, "", (v) => { modele = v; }, ""));
    verrouiller();
    verifierBientot(0);
  }

  // Une convention signée : le formulaire en lecture seule, l'enregistrement fermé.
  function verrouiller() {
    if (!signee) return;
    formulaire.setAttribute("aria-readonly", "true");
    formulaire.classList.add("verrouille");
    for (const e of formulaire.querySelectorAll("input, select, textarea, button")) e.disabled = true;
    boutonEnr.disabled = true;
  }

  // Place chaque message à côté du champ dont le chemin correspond (ou de son plus proche parent affiché).
  function afficher(diags) {
    for (const d of document.querySelectorAll(".diag")) d.remove();
    for (const c of document.querySelectorAll(".en-erreur")) c.classList.remove("en-erreur");
    const generaux = document.getElementById("controles-generaux");
    for (const d of diags) {
      const msg = el("p", { class: "diag " + d.severite, role: "alert", "data-pour": d.chemin || "" },
        el("strong", { texte: d.severite === "erreur" ? `Erreur${NB}: ` : `Avertissement${NB}: ` }),
        document.createTextNode(d.message),
        d.conseil ? el("span", { class: "conseil", texte: " — " + d.conseil }) : null);
      let cible = null;
      let p = d.chemin || "";
      while (p && !cible) {
        cible = formulaire.querySelector(`[data-chemin="${CSS.escape(p)}"]`);
        if (!cible) p = p.replace(/(\.[^.\[\]]*|\[[^\]]*\])$/, "");
      }
      if (cible) {
        cible.classList.add("en-erreur");
        const leg = cible.tagName === "FIELDSET" ? cible.querySelector(":scope > legend") : null;
        if (leg) leg.after(msg);
        else cible.append(msg);
      } else generaux.append(msg);
    }
  }

  // Each check and each save takes a number: an answer that comes back after a
  // later request (a check still running when « Enregistrer » is clicked) does
  // not overwrite what that request said.
  let dernierEnvoi = 0;

  function verifierBientot(delai) {
    clearTimeout(minuteur);
    minuteur = setTimeout(() => {
      const numero = ++dernierEnvoi;
      envoyer(`/api/check/${id}`, modele).then((r) => {
        if (r.statut === 200 && numero === dernierEnvoi) {
          afficher(r.corps.diagnostics);
          if (!signee) {
            etatEnr.className = "";
            etatEnr.replaceChildren(r.corps.erreurs
              ? `${pluriel(r.corps.erreurs, "erreur", "erreurs")} à corriger avant d'enregistrer.`
              : "Aucune erreur.");
          }
        }
      });
    }, delai);
  }

  function changer() {
    modifie = true;
  }

  formulaire.addEventListener("input", () => { changer(); verifierBientot(250); });
  formulaire.addEventListener("change", () => { changer(); verifierBientot(0); });

  function refus(message) {
    etatEnr.textContent = message;
    etatEnr.className = "refus";
  }

  // Le fichier a changé sur le disque : proposer de repartir de la version actuelle.
  function conflit(corps) {
    refus(corps.erreur || "Le fichier a changé sur le disque.");
    etatEnr.append(" ", el("button", { type: "button", id: "recharger", texte: "Recharger la version actuelle", onclick: () => {
      if (corps.donnees === null || corps.donnees === undefined) { modifie = false; location.reload(); return; }
      modele = corps.donnees;
      empreinte = corps.empreinte;
      signee = corps.signee === true;
      modifie = false;
      etatEnr.replaceChildren("Version actuelle rechargée.");
      etatEnr.className = "";
      dessiner();
    } }));
  }

  function enregistrer(confirmee) {
    etatEnr.textContent = "Enregistrement…";
    etatEnr.className = "";
    clearTimeout(minuteur);
    ++dernierEnvoi;
    envoyer(`/api/save/${id}`, { empreinte, donnees: modele, confirmer_signature: confirmee }).then((r) => {
      if (r.statut === 200) {
        empreinte = r.corps.empreinte;
        modifie = false;
        afficher(r.corps.diagnostics);
        etatEnr.textContent = r.corps.message;
        etatEnr.className = "ok";
        // Signée : la page se recharge, verrouillée.
        if (r.corps.signee) location.reload();
        else rafraichirSections(["modifications"]);
      } else if (r.statut === 409) {
        conflit(r.corps);
      } else {
        if (r.corps.diagnostics) afficher(r.corps.diagnostics);
        refus(r.corps.erreur || `Refusé (${r.statut}).`);
      }
    });
  }

  // Une date de signature rend la convention définitive : le bureau le dit et demande de confirmer.
  const dialogue = document.getElementById("confirmer-signature");
  function dateSignature() {
    const c = modele && modele.convention;
    const d = c && c.signature && c.signature.date;
    return typeof d === "string" && d.trim() !== "" ? d : null;
  }

  function dateFr(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m) return iso;
    const mois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    const j = Number(m[3]);
    return `${j === 1 ? "1er" : j}${NB}${mois[Number(m[2]) - 1] || m[2]}${NB}${m[1]}`;
  }

  boutonEnr.addEventListener("click", () => {
    const d = dateSignature();
    if (d && !signee) {
      document.getElementById("date-signature").textContent = `du ${dateFr(d)}`;
      dialogue.showModal();
      return;
    }
    enregistrer(false);
  });
  document.getElementById("annuler-signature").addEventListener("click", () => {
    dialogue.close();
    etatEnr.textContent = "Rien n'a été enregistré.";
    etatEnr.className = "";
  });
  document.getElementById("valider-signature").addEventListener("click", () => {
    dialogue.close();
    enregistrer(true);
  });

  Promise.all([
    fetch("/api/schema").then((r) => r.json()),
    fetch("/api/libelles").then((r) => r.json()),
    fetch(`/api/convention/${id}`).then((r) => r.json()),
  ]).then(([s, l, c]) => {
    schema = s;
    mots = l;
    empreinte = c.empreinte;
    signee = c.signee;
    if (c.donnees === null) {
      formulaire.replaceChildren(el("p", { class: "avertissement", texte: `Le fichier de l'association n'est pas du JSON lisible${NB}: corrigez-le dans un éditeur de texte (voir les contrôles ci-dessus).` }));
      boutonEnr.disabled = true;
      afficher(c.diagnostics);
      return;
    }
    modele = c.donnees;
    dessiner();
    afficher(c.diagnostics);
    formulaire.dataset.pret = "oui";
  });
})();
